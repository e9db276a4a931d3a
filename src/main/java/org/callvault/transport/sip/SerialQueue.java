package org.callvault.transport.sip;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.scheduler.Scheduler;

/**
 * One SIP call's work, in order, on the shared signaling pool: a call's events ("answered" then
 * "ended") must reach the SIP side in the order they happened, while the pool runs many calls at once.
 */
final class SerialQueue {

    private static final Logger log = LoggerFactory.getLogger(SerialQueue.class);

    private final Scheduler pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    SerialQueue(Scheduler pool) {
        this.pool = pool;
    }

    /** False when the pool is saturated (the task is dropped; the caller answers 503 or logs). */
    boolean submit(Runnable task) {
        tasks.add(task);
        return schedule();
    }

    private boolean schedule() {
        if (!draining.compareAndSet(false, true)) {
            return true;
        }
        try {
            pool.schedule(this::drain);
            return true;
        }
        catch (RejectedExecutionException e) {
            draining.set(false);
            tasks.clear();
            return false;
        }
    }

    private void drain() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            }
            catch (RuntimeException e) {
                log.warn("SIP call task failed", e);
            }
        }
        draining.set(false);
        if (!tasks.isEmpty()) {
            schedule(); // added after the poll above saw the queue empty
        }
    }
}
