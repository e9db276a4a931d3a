package org.callvault.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.callvault.call.CallService;
import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingStore;
import org.callvault.recording.RetentionPolicy;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The dashboard's figures: small aggregate queries over index ranges, plus the live call count. */
@Component
class DashboardQueries {

    static final int CHART_DAYS = 14;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final CallService calls;
    private final RecordingRepository recordings;
    private final RetentionPolicy retention;
    private final Path recordingsDir;

    DashboardQueries(JdbcClient jdbc, Clock clock, CallService calls, RecordingRepository recordings,
            RetentionPolicy retention, RecordingStore store) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.calls = calls;
        this.recordings = recordings;
        this.retention = retention;
        this.recordingsDir = store.root();
    }

    DashboardStats current() {
        ZoneId zone = ZoneId.systemDefault();
        LocalDate today = LocalDate.now(clock.withZone(zone));
        long startOfToday = millis(today, zone);
        long startOfWeek = millis(today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)), zone);
        long now = clock.millis();

        Map<String, Long> todayByState = countByState(startOfToday, now + 1);
        long callsThisWeek = jdbc.sql("SELECT COUNT(*) FROM calls WHERE created_at >= :since")
                .param("since", startOfWeek).query(Long.class).single();
        Long average = jdbc.sql("""
                SELECT AVG(duration_ms) FROM calls WHERE created_at >= :since AND state = 'ENDED'
                """).param("since", startOfWeek).query(Long.class).optional().orElse(null);
        long recordingCount = jdbc.sql("SELECT COUNT(*) FROM recordings").query(Long.class).single();

        List<DashboardStats.Day> days = new ArrayList<>();
        for (int i = CHART_DAYS - 1; i >= 0; i--) {
            LocalDate day = today.minusDays(i);
            Map<String, Long> byState = countByState(millis(day, zone), millis(day.plusDays(1), zone));
            days.add(new DashboardStats.Day(day.toString(), byState.values().stream().mapToLong(Long::longValue).sum(),
                    byState.getOrDefault("ENDED", 0L), byState.getOrDefault("MISSED", 0L)));
        }
        var lastRun = retention.lastRun();
        var rules = retention.rules().current();
        var retentionView = new DashboardStats.Retention(rules.deletesAnything(), rules.defaultDays(),
                lastRun == null ? null : lastRun.at().toString(), lastRun == null ? null : lastRun.deleted());
        return new DashboardStats(todayByState.values().stream().mapToLong(Long::longValue).sum(), callsThisWeek,
                todayByState.getOrDefault("ENDED", 0L), todayByState.getOrDefault("MISSED", 0L),
                average == null ? 0 : average, calls.liveCallCount(), recordingCount, recordings.totalBytes(),
                freeSpace(), days, retentionView);
    }

    private Map<String, Long> countByState(long from, long to) {
        return jdbc.sql("""
                SELECT state, COUNT(*) AS n FROM calls WHERE created_at >= :from AND created_at < :to GROUP BY state
                """).param("from", from).param("to", to)
                .query((rs, row) -> Map.entry(rs.getString("state"), rs.getLong("n"))).list().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static long millis(LocalDate day, ZoneId zone) {
        return day.atStartOfDay(zone).toInstant().toEpochMilli();
    }

    private long freeSpace() {
        try {
            return Files.getFileStore(Files.exists(recordingsDir) ? recordingsDir : recordingsDir.getParent())
                    .getUsableSpace();
        }
        catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
