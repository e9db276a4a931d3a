package org.callvault.database;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code db} health indicator, from what the probe last saw rather than a query of its own:
 * during an outage a query would wait for the pool's connection timeout, and health must answer at
 * once. Replaces Spring Boot's indicator of the same name. Shows the writes waiting for the database.
 */
@Component("dbHealthIndicator")
class DatabaseHealth implements HealthIndicator {

    private final DatabaseAvailability availability;
    private final PersistenceQueue writes;

    DatabaseHealth(DatabaseAvailability availability, PersistenceQueue writes) {
        this.availability = availability;
        this.writes = writes;
    }

    @Override
    public Health health() {
        if (availability.isUp()) {
            return Health.up().withDetail("queuedWrites", writes.size()).build();
        }
        return Health.down().withDetail("since", String.valueOf(availability.downSince()))
                .withDetail("error", String.valueOf(availability.problem()))
                .withDetail("queuedWrites", writes.size()).build();
    }
}
