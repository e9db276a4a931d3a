package org.callvault.call;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fencing (docs/ARCHITECTURE.md, "Losing a node"): a node whose cluster link is down cannot tell
 * "Redis is down for everyone" (then nobody declares anybody lost and calls go on) from "I alone am
 * cut off" (then the others have declared this node lost and ended its calls for their consoles).
 * The shared database tells: a node that declares another lost writes it there ({@link #declared}),
 * and a node whose link is down looks each beat whether its own process was declared lost. Once it
 * was, it is {@link #fenced}: {@code onFenced} ends what the others ended, and readiness is
 * refused until the link is back. All database work runs on a thread of its own ({@code node-fence}),
 * never on the liveness or cluster threads, which a slow database must not hold up.
 */
final class NodeFence implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeFence.class);

    private final LostNodes lostNodes;
    private final String me;
    /** Read when looking: the process's incarnation, made by {@link NodeLiveness} after this fence. */
    private final java.util.function.Supplier<String> incarnation;
    private final Runnable onFenced;
    /** true: ready for traffic again; false: out of the balancer. */
    private final Consumer<Boolean> readiness;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "node-fence");
        thread.setDaemon(true);
        return thread;
    });
    /** Looking whether this node was declared lost: set while the link is down and not yet fenced. */
    private ScheduledFuture<?> looking;
    private boolean fenced;
    private boolean lookFailureLogged;

    NodeFence(LostNodes lostNodes, String me, java.util.function.Supplier<String> incarnation, Runnable onFenced,
            Consumer<Boolean> readiness) {
        this.lostNodes = lostNodes;
        this.me = me;
        this.incarnation = incarnation;
        this.onFenced = onFenced;
        this.readiness = readiness;
        run(() -> lostNodes.forget(me)); // what was said of this node's previous processes
    }

    /** This node declared {@code node}'s process {@code itsIncarnation} lost: that node may be alive and cut off. */
    void declared(String node, String itsIncarnation) {
        if (itsIncarnation != null) {
            run(() -> lostNodes.declare(node, itsIncarnation, me));
        }
    }

    /**
     * The link is down: a declaration left from before (another node's check racing this node's
     * return) is forgotten first, then the table is read each beat.
     */
    synchronized void linkDown() {
        if (looking != null || fenced) {
            return;
        }
        run(() -> lostNodes.forget(me));
        try {
            looking = worker.scheduleWithFixedDelay(this::look, NodeLiveness.BEAT.toMillis(), NodeLiveness.BEAT.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        catch (RejectedExecutionException closed) {
            // closing
        }
    }

    /** The link is back (subscribed, publishing works): a fenced node is ready again and forgets it was lost. */
    synchronized void linkUp() {
        if (looking != null) {
            looking.cancel(false);
            looking = null;
        }
        if (fenced) {
            fenced = false;
            run(() -> lostNodes.forget(me));
            log.warn("Cluster: link back; node {} takes traffic again and rejoins", me);
            readiness.accept(true);
        }
    }

    synchronized boolean fenced() {
        return fenced;
    }

    private void look() {
        boolean lost;
        try {
            lost = lostNodes.declared(me, incarnation.get());
            lookFailureLogged = false;
        }
        catch (RuntimeException e) {
            if (!lookFailureLogged) {
                lookFailureLogged = true;
                log.warn("Cluster: cannot read whether this node was declared lost ({}); it carries on", e.toString());
            }
            return;
        }
        if (!lost) {
            return;
        }
        synchronized (this) {
            if (looking == null) {
                return; // the link came back meanwhile
            }
            looking.cancel(false);
            looking = null;
            fenced = true;
            log.warn("Cluster: node {} was declared lost by the others while cut off from them: it ends the calls they"
                    + " ended and refuses traffic until its link is back", me);
            readiness.accept(false);
        }
        onFenced.run();
    }

    private void run(Runnable task) {
        try {
            worker.execute(() -> {
                try {
                    task.run();
                }
                catch (RuntimeException e) {
                    log.warn("Cluster: the lost-nodes table could not be written ({})", e.toString());
                }
            });
        }
        catch (RejectedExecutionException closed) {
            // closing
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
