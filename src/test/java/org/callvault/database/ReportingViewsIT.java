package org.callvault.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import org.callvault.support.IntegrationTest;
import org.callvault.support.LibraryFixtures;
import org.callvault.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 17, point 9: report_calls and report_recordings (V24) show real date-times on the engine
 * the suite runs on ({@code -Dcallvault.it.database=mariadb|postgresql}; H2 by default).
 */
@Import(LibraryFixtures.class)
class ReportingViewsIT extends IntegrationTest {

    // Milliseconds that are not zero, and a time of day whose hour differs from any local zone's by design.
    private static final Instant STARTED = Instant.parse("2026-07-14T23:59:58.125Z");

    @Autowired
    LibraryFixtures fixtures;

    @Autowired
    JdbcClient jdbc;

    @Test
    void callsAndRecordingsCarryRealDateTimes() throws Exception {
        var stored = fixtures.call(STARTED, "ENDED", "Report Caller", "+4420794600", "maria", 65_500L, true);

        Map<String, Object> call = jdbc.sql("SELECT * FROM report_calls WHERE id = ?").param(stored.callId())
                .query().singleRow();
        assertThat(instant(column(call, "started_at"))).isEqualTo(STARTED);
        assertThat(instant(column(call, "answered_at"))).isEqualTo(STARTED.plusSeconds(2)); // the fixture answers after 2 s
        assertThat(instant(column(call, "ended_at"))).isEqualTo(STARTED.plusMillis(2_000 + 65_500));
        assertThat(new BigDecimal(column(call, "talk_seconds").toString())).isEqualByComparingTo("65.5");
        assertThat(new BigDecimal(column(call, "wait_seconds").toString())).isEqualByComparingTo("2");
        assertThat(column(call, "agent_username")).isEqualTo("maria");

        Map<String, Object> recording = jdbc.sql("SELECT * FROM report_recordings WHERE call_id = ?")
                .param(stored.callId()).query().singleRow();
        assertThat(column(recording, "started_at")).isNotNull();
        assertThat(column(recording, "id")).isEqualTo(stored.recordingId());
    }

    /** Column labels come back upper-case from H2, lower-case elsewhere. */
    private static Object column(Map<String, Object> row, String name) {
        return row.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst().orElseThrow()
                .getValue();
    }

    /** An instant from what the driver returns: zoned on PostgreSQL and H2, UTC wall time on MariaDB. */
    private static Instant instant(Object value) {
        if (value instanceof OffsetDateTime zoned) {
            return zoned.toInstant();
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            // MariaDB: a zone-less DATETIME of UTC wall time, read as if in the JVM's zone.
            // PostgreSQL's driver also answers a timestamptz as a Timestamp, but as the instant itself.
            return "mariadb".equals(TestDatabases.forIntegrationTests())
                    ? timestamp.toLocalDateTime().toInstant(ZoneOffset.UTC) : timestamp.toInstant();
        }
        if (value instanceof LocalDateTime local) {
            return local.toInstant(ZoneOffset.UTC);
        }
        throw new AssertionError("Not a date-time: " + value + " (" + (value == null ? null : value.getClass()) + ")");
    }
}
