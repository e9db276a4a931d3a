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
            events.publish(ClusterMessage.alive(events.nodeId()));
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

    /** Nodes silent past the limit, taken off the table (each is declared lost once). None while our link is down. */
    List<String> silentNodes() {
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

    @Override
    public void received(ClusterMessage message) {
        String node = message.from();
        if (lastHeard.size() >= MAX_NODES && !lastHeard.containsKey(node)) {
            return;
        }
        if (lastHeard.put(node, clock.millis()) == null) {
            log.info("Cluster: node {} heard{}", node, lost.remove(node) ? " again after it was declared lost" : "");
        }
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
