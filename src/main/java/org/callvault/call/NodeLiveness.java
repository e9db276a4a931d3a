package org.callvault.call;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which other nodes are alive (docs/ARCHITECTURE.md, "Losing a node"). Every node says {@code alive}
 * on the cluster channel each {@link #BEAT}; any message from a node counts as a sign of life. A node
 * not heard for {@code lostAfter} is declared lost, once, to {@code onLost}; heard again, it is known
 * again (a node cut off from Redis but running comes back this way).
 * <p>
 * While this node's own subscription is down it hears nobody, which says nothing about the others:
 * then nobody is declared lost, and once the link is back every known node gets a fresh period.
 * <p>
 * A node restarted faster than {@code lostAfter} never falls silent long enough, so each process
 * has an <em>incarnation</em> (a random id made at start, carried by its {@code hello} and
 * {@code alive}): a node heard with a new one lost its previous life, and is declared lost at once
 * (its calls died with that process), then known again. An incarnation heard again after it was
 * replaced means two running processes share one node id, a misconfiguration: logged, never taken
 * for a restart (else each would declare the other lost every second).
 */
final class NodeLiveness implements ClusterEvents.Listener, AutoCloseable {

    static final Duration BEAT = Duration.ofSeconds(1);
    static final Duration MIN_LOST_AFTER = Duration.ofSeconds(2);
    static final Duration MAX_LOST_AFTER = Duration.ofMinutes(10);
    /** Far above a real cluster: a flood of forged node ids cannot grow the table without bound. */
    private static final int MAX_NODES = 1_000;

    private static final Logger log = LoggerFactory.getLogger(NodeLiveness.class);

    private final ClusterEvents events;
    private final Clock clock;
    private final long lostAfterMillis;
    private final Consumer<String> onLost;
    /** Other nodes heard and not declared lost since: when each was last heard (clock millis). */
    private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();
    /** Nodes declared lost and not heard since. */
    private final java.util.Set<String> lost = ConcurrentHashMap.newKeySet();
    private volatile boolean linkUp = true;
    /** This process's incarnation: 16 random characters of the node-id alphabet. */
    private final String incarnation = newIncarnation();
    /** Each other node's incarnation as last heard, and the one it replaced (bounded as {@link #lastHeard}). */
    private final Map<String, String> incarnations = new ConcurrentHashMap<>();
    private final Map<String, String> replaced = new ConcurrentHashMap<>();
    /** When two processes with one node id were last reported (once a minute is enough). */
    private long lastTwinWarning = Long.MIN_VALUE / 2;
    private ScheduledExecutorService beats;

    NodeLiveness(ClusterEvents events, Clock clock, Duration lostAfter, Consumer<String> onLost) {
        if (lostAfter == null || lostAfter.compareTo(MIN_LOST_AFTER) < 0 || lostAfter.compareTo(MAX_LOST_AFTER) > 0) {
            throw new IllegalArgumentException("node-lost-after must be between 2s and 10m, not " + lostAfter);
        }
        this.events = events;
        this.clock = clock;
        this.lostAfterMillis = lostAfter.toMillis();
        this.onLost = onLost;
        events.subscribe(this);
    }

    /** Beats and checks every {@link #BEAT} on a thread of its own, until {@link #close()}. */
    void start() {
        beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "node-liveness");
            thread.setDaemon(true);
            return thread;
        });
        beats.scheduleAtFixedRate(this::beat, 0, BEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One beat: says this node is alive, then declares lost those not heard for too long. */
    void beat() {
        try {
            events.publish(ClusterMessage.alive(events.nodeId(), incarnation));
            for (String node : silentNodes()) {
                log.warn("Cluster: node {} not heard for {} ms: lost; its calls end for this node's consoles", node,
                        lostAfterMillis);
                onLost.accept(node);
            }
        }
        catch (RuntimeException e) {
            log.error("Cluster: a liveness beat failed", e); // the next beat still comes
        }
    }

    /** This process's incarnation, for its {@code hello} and its tokens. */
    String incarnation() {
        return incarnation;
    }

    /** {@code node}'s incarnation as last heard while it counts as alive, else null. */
    String incarnationOf(String node) {
        return lastHeard.containsKey(node) ? incarnations.get(node) : null;
    }

    /** {@code node}'s incarnation as last heard, alive or declared lost since (null if it never said one). */
    String lastIncarnationOf(String node) {
        return incarnations.get(node);
    }

    /**
     * This node was declared lost by the others (fenced, {@link NodeFence}): it takes them all as lost
     * in turn, as they take it, until each is heard again. Returns the nodes that counted as alive.
     */
    synchronized List<String> declareAllLost() {
        List<String> alive = new ArrayList<>(lastHeard.keySet());
        for (String node : alive) {
            lastHeard.remove(node);
            if (lost.size() < MAX_NODES) {
                lost.add(node);
            }
        }
        return alive;
    }

    /** Whether {@code incarnation} was {@code node}'s before its current one (a process of it that is gone). */
    boolean wasIncarnationOf(String node, String incarnation) {
        return incarnation != null && incarnation.equals(replaced.get(node));
    }

    /** Nodes silent past the limit, taken off the table (each is declared lost once). None while our link is down. */
    synchronized List<String> silentNodes() {
        List<String> silent = new ArrayList<>();
        if (!linkUp) {
            return silent;
        }
        long now = clock.millis();
        for (Map.Entry<String, Long> entry : lastHeard.entrySet()) {
            if (now - entry.getValue() > lostAfterMillis && lastHeard.remove(entry.getKey(), entry.getValue())) {
                silent.add(entry.getKey());
                if (lost.size() < MAX_NODES) {
                    lost.add(entry.getKey());
                }
            }
        }
        return silent;
    }

    /** The nodes alive as far as this one knows. */
    java.util.Set<String> knownNodes() {
        return java.util.Set.copyOf(lastHeard.keySet());
    }

    /** Whether {@code node} was declared lost and has not been heard since. */
    boolean wasLost(String node) {
        return lost.contains(node);
    }

    /**
     * How long until {@code node} would be declared lost if it stays silent (at least one beat, as the
     * check runs each beat); 0 when it is not among the living (never heard, or lost).
     */
    long millisUntilLost(String node) {
        Long last = node == null ? null : lastHeard.get(node);
        if (last == null) {
            return 0;
        }
        long left = last + lostAfterMillis - clock.millis();
        return Math.max(left, 0) + BEAT.toMillis();
    }

    @Override
    public void received(ClusterMessage message) {
        String node = message.from();
        boolean restarted;
        synchronized (this) {
            if (lastHeard.size() >= MAX_NODES && !lastHeard.containsKey(node)) {
                return;
            }
            restarted = newIncarnation(node, message.incarnation());
            if (lastHeard.put(node, clock.millis()) == null) {
                log.info("Cluster: node {} heard{}", node, lost.remove(node) ? " again after it was declared lost" : "");
            }
        }
        if (restarted) {
            // On the cluster thread, so before anything the new process says is handled.
            onLost.accept(node);
        }
    }

    /**
     * Notes {@code node}'s incarnation; true when it replaces one heard before and that previous life
     * still counted as alive here (a node already declared lost is not declared lost again).
     */
    private boolean newIncarnation(String node, String heard) {
        if (heard == null) {
            return false; // a node older than incarnations, or a message that carries none
        }
        String known = incarnations.get(node);
        if (heard.equals(known)) {
            return false;
        }
        if (heard.equals(replaced.get(node))) {
            long now = clock.millis();
            if (now - lastTwinWarning < 60_000) {
                return false;
            }
            lastTwinWarning = now;
            log.error("Cluster: two running processes say they are node {} (incarnations {} and {}); give each node"
                    + " its own callvault.node.id", node, heard, known);
            return false;
        }
        if (incarnations.size() >= MAX_NODES && known == null) {
            return false;
        }
        incarnations.put(node, heard);
        if (known == null) {
            return false;
        }
        replaced.put(node, known);
        boolean alive = lastHeard.containsKey(node);
        if (alive) {
            lastHeard.remove(node);
            log.warn("Cluster: node {} restarted (incarnation {}, was {}): its previous process is lost; its calls end"
                    + " for this node's consoles", node, heard, known);
        }
        return alive;
    }

    private static String newIncarnation() {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        java.security.SecureRandom random = new java.security.SecureRandom();
        StringBuilder id = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    @Override
    public void disconnected() {
        linkUp = false;
    }

    @Override
    public void connected() {
        long now = clock.millis();
        lastHeard.replaceAll((node, last) -> now);
        linkUp = true;
    }

    @Override
    public void close() {
        if (beats != null) {
            beats.shutdownNow();
        }
    }
}
