package org.callvault.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;

import org.springframework.stereotype.Component;

/**
 * Asks the database every second whether it answers (a pooled connection's validity check) and
 * keeps {@link DatabaseAvailability} up to date. On its own thread: during an outage a check waits
 * for the pool's connection timeout, and nothing else must wait with it. The writer also asks it
 * after a failed write, to tell an outage (retry) from a write the database refuses (give up).
 */
@Component
public class DatabaseProbe {

    private static final long INTERVAL_MILLIS = 1000;
    private static final int VALIDITY_TIMEOUT_SECONDS = 1;

    private final DataSource dataSource;
    private final DatabaseAvailability availability;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "database-probe");
        t.setDaemon(true);
        return t;
    });

    public DatabaseProbe(DataSource dataSource, DatabaseAvailability availability) {
        this.dataSource = dataSource;
        this.availability = availability;
        thread.scheduleWithFixedDelay(this::check, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Checks now; records and returns whether the database answered. */
    boolean check() {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(VALIDITY_TIMEOUT_SECONDS)) {
                availability.markUp();
                return true;
            }
            availability.markDown("the database did not answer a validity check within "
                    + VALIDITY_TIMEOUT_SECONDS + " s");
        }
        catch (SQLException | RuntimeException e) {
            availability.markDown(e.getMessage());
        }
        return false;
    }

    @PreDestroy
    void stop() {
        thread.shutdownNow();
    }
}
