package org.callvault.system;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One owner's tasks, in the order given, on a shared pool: one at a time, each seeing what the one
 * before it did (the queue's hand-over orders them), while the pool runs many owners at once. A SIP
 * call's events must reach the SIP side in the order they happened; a recording's steps must be
 * encoded in order and never two at once. Takes no thread of its own: a drain runs on the pool
 * while tasks are waiting and ends when none is left.
 */
public final class SerialExecutor {

    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor pool;
    private final String owner;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /** @param owner what the tasks are for, in words, for the log of a task that fails */
    public SerialExecutor(Executor pool, String owner) {
        this.pool = pool;
        this.owner = owner;
    }

    /**
     * Queues {@code task} behind the others. False when the pool refused to run the queue (it is
     * saturated or stopped): then nothing waiting runs, and the queue is emptied.
     */
    public boolean submit(Runnable task) {
        tasks.add(task);
        if (!scheduled.compareAndSet(false, true)) {
            return true; // a drain is on its way or running, and takes this task too
        }
        try {
            pool.execute(this::drain);
            return true;
        }
        catch (RejectedExecutionException e) {
            scheduled.set(false);
            tasks.clear();
            return false;
        }
    }

    /** A task that fails is logged, and the queue goes on. */
    private void drain() {
        while (true) {
            Runnable task = tasks.poll();
            if (task == null) {
                scheduled.set(false);
                // A task added after the poll above found the queue empty: this drain takes it,
                // unless the submitter's own drain got in first.
                if (tasks.isEmpty() || !scheduled.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            try {
                task.run();
            }
            catch (RuntimeException e) {
                log.warn("A task of {} failed; the queue goes on", owner, e);
            }
        }
    }
}
