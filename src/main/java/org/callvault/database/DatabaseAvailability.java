package org.callvault.database;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Whether the database answers, as last seen by the {@link DatabaseProbe} or the writer. Reading it
 * costs a volatile read, so the call rules may ask it on every dial: while the database is known to
 * be down, new calls are refused at once instead of waiting on the connection pool.
 */
@Component
public class DatabaseAvailability {

    private static final Logger log = LoggerFactory.getLogger(DatabaseAvailability.class);

    private final Clock clock;
    private volatile boolean up = true;
    private volatile Instant downSince;
    private volatile String problem;

    public DatabaseAvailability(Clock clock) {
        this.clock = clock;
    }

    public boolean isUp() {
        return up;
    }

    /** When the database was last found down, or null while it is up. */
    public Instant downSince() {
        return up ? null : downSince;
    }

    /** What the last failed check said, or null while the database is up. */
    public String problem() {
        return up ? null : problem;
    }

    void markUp() {
        if (up) {
            return;
        }
        synchronized (this) {
            if (!up) {
                up = true;
                log.info("Database answers again after {} s; queued writes are being applied",
                        Duration.between(downSince, clock.instant()).toSeconds());
                notifyAll();
            }
        }
    }

    synchronized void markDown(String why) {
        problem = why;
        if (up) {
            up = false;
            downSince = clock.instant();
            log.warn("Database unavailable ({}): live calls go on, their changes wait in the write queue, "
                    + "new calls are refused until it answers", why);
        }
    }

    /** Waits until the database is up again, at most {@code max}; returns at once while it is up. */
    synchronized void awaitUp(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        long left;
        while (!up && (left = deadline - System.nanoTime()) > 0) {
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
