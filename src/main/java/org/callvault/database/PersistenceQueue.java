package org.callvault.database;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Where live calls leave their database writes: a bounded queue and one writer thread that applies
 * them in order. {@link #submit} never blocks, so a call ends on time and its parties hear of it at
 * once even while the database is slow or gone; the in-memory call is the truth meanwhile.
 *
 * <p>A write that fails is retried, in place (later writes wait behind it, so rows are written in
 * the order things happened: a call's row before its recording's). While the database does not
 * answer, the writer waits for it with a growing pause (up to {@link #MAX_BACKOFF}) and applies
 * everything queued when it is back, without a restart. A write that fails while the database
 * does answer is wrong in itself (a constraint, a bug) and is dropped after
 * {@link #ATTEMPTS_WHILE_UP} attempts, so that it cannot hold up the rest.
 *
 * <p>Writes with the same key (one call's row) coalesce: each carries the whole new state, so a
 * queued one that has not started yet is replaced by the newer one and keeps its place in line.
 */
@Component
public class PersistenceQueue {

    private static final Logger log = LoggerFactory.getLogger(PersistenceQueue.class);

    /** Far above what live calls queue during an outage (a few writes per call; dials are refused). */
    static final int CAPACITY = 10_000;
    static final int ATTEMPTS_WHILE_UP = 3;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
    /** At shutdown: how long the writer may take to empty the queue (the server exits within 5 s). */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

    private final Deque<PendingWrite> queue = new ArrayDeque<>();
    /** Queued writes that have not started yet, by key: the ones a newer write may replace. */
    private final Map<String, PendingWrite> replaceable = new HashMap<>();
    private final DatabaseAvailability availability;
    private final DatabaseProbe probe;
    private final Counter dropped;
    private final Thread writer;
    private volatile boolean stopping;

    public PersistenceQueue(DatabaseAvailability availability, DatabaseProbe probe, MeterRegistry meters) {
        this.availability = availability;
        this.probe = probe;
        this.dropped = Counter.builder("callvault.database.writes.dropped")
                .description("Call and recording writes given up: queue full, or refused by the database")
                .register(meters);
        meters.gauge("callvault.database.writes.queued", this, PersistenceQueue::size);
        this.writer = new Thread(this::run, "database-writer");
        writer.setDaemon(true); // shutdown drains it with a deadline (see drain)
        writer.start();
    }

    /**
     * Queues a write without waiting. A non-null {@code key} replaces a queued write of the same key
     * that has not started yet (give each row its own key; null for writes that must all happen).
     */
    public void submit(String key, Runnable write) {
        synchronized (this) {
            PendingWrite queued = key == null ? null : replaceable.get(key);
            if (queued != null) {
                queued.write = write;
                return;
            }
            if (queue.size() >= CAPACITY) {
                dropped.increment();
                log.error("Database write queue full ({} writes): a write of {} is lost", CAPACITY, key);
                return;
            }
            PendingWrite pending = new PendingWrite(key, write);
            queue.addLast(pending);
            if (key != null) {
                replaceable.put(key, pending);
            }
            notifyAll();
        }
    }

    /** Writes queued or in progress. */
    public synchronized int size() {
        return queue.size();
    }

    private void run() {
        try {
            PendingWrite next;
            while ((next = take()) != null) {
                apply(next.write, next.key);
                remove(next);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The oldest write, left at the head of the queue until it is done; null once stopped and empty. */
    private synchronized PendingWrite take() throws InterruptedException {
        while (queue.isEmpty()) {
            if (stopping) {
                return null;
            }
            wait();
        }
        PendingWrite head = queue.peekFirst();
        if (head.key != null) {
            replaceable.remove(head.key, head); // started: a newer write of this row queues behind it
        }
        return head;
    }

    private synchronized void remove(PendingWrite done) {
        queue.remove(done);
        notifyAll();
    }

    private void apply(Runnable write, String key) throws InterruptedException {
        Duration backoff = FIRST_BACKOFF;
        int failuresWhileUp = 0;
        while (true) {
            try {
                write.run();
                availability.markUp();
                return;
            }
            catch (RuntimeException e) {
                boolean answers = probe.check();
                if (answers && ++failuresWhileUp >= ATTEMPTS_WHILE_UP) {
                    dropped.increment();
                    log.error("The database refused a write of {} {} times; it is dropped", key, failuresWhileUp, e);
                    return;
                }
                if (answers) {
                    Thread.sleep(backoff.toMillis()); // a passing fault (deadlock, lock timeout): again shortly
                }
                else {
                    availability.awaitUp(backoff); // the probe wakes us as soon as the database answers
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /**
     * Applies what is queued before the server stops, for at most {@link #DRAIN_TIMEOUT}. What is left
     * (the database is down) is logged; the next start's crash recovery closes those calls.
     */
    @PreDestroy
    void drain() throws InterruptedException {
        synchronized (this) {
            stopping = true;
            notifyAll();
        }
        writer.join(DRAIN_TIMEOUT.toMillis());
        int left = size();
        if (left > 0) {
            log.error("Stopping with {} database writes not applied (the database does not answer); the next "
                    + "start closes the calls they belong to", left);
        }
    }

    private static final class PendingWrite {
        final String key;
        volatile Runnable write;

        PendingWrite(String key, Runnable write) {
            this.key = key;
            this.write = write;
        }
    }
}
