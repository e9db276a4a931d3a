package org.callvault.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;

import org.callvault.system.CallVaultProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The dashboard's figures, each one small aggregate query. */
@Component
class DashboardQueries {

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Path recordingsDir;

    DashboardQueries(JdbcClient jdbc, Clock clock, CallVaultProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.recordingsDir = properties.recordings().dir();
    }

    DashboardStats current() {
        long startOfToday = LocalDate.now(clock.withZone(ZoneId.systemDefault()))
                .atStartOfDay(ZoneId.systemDefault()).toInstant().toEpochMilli();
        long callsToday = jdbc.sql("SELECT COUNT(*) FROM calls WHERE created_at >= :since")
                .param("since", startOfToday).query(Long.class).single();
        long active = jdbc.sql("SELECT COUNT(*) FROM calls WHERE state IN ('RINGING', 'ANSWERED')")
                .query(Long.class).single();
        long recordings = jdbc.sql("SELECT COUNT(*) FROM recordings").query(Long.class).single();
        Long used = jdbc.sql("SELECT SUM(size_bytes) FROM recordings").query(Long.class).optional().orElse(0L);
        return new DashboardStats(callsToday, active, recordings, used == null ? 0 : used, freeSpace());
    }

    private long freeSpace() {
        try {
            Path dir = Files.exists(recordingsDir) ? recordingsDir : recordingsDir.toAbsolutePath().getParent();
            return Files.getFileStore(dir).getUsableSpace();
        }
        catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
