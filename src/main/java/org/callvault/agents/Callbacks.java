package org.callvault.agents;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.callvault.user.AgentNames;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Missed calls to call back (issue 17 point 5): {@code GET /api/callbacks} lists the missed calls of
 * the last {@code days} (default 7, at most 31), newest first, at most 200, each with who called it
 * back and when; {@code POST /api/callbacks/{callId}} marks one done by the signed-in user (any agent:
 * calling back is the team's work). Shown on the console page.
 */
@RestController
class Callbacks {

    static final int MAX_DAYS = 31;
    static final int MAX_ROWS = 200;

    /**
     * One missed call; {@code calledBackBy}/{@code calledBackAt} are null while it waits.
     * {@code calledBackByName} is that user's display name (the user name once deleted).
     */
    record MissedCall(String callId, String callerName, String callerNumber, Instant createdAt, String endReason,
            String source, String calledBackBy, Instant calledBackAt, String calledBackByName) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AgentNames agentNames;

    Callbacks(JdbcClient jdbc, Clock clock, AgentNames agentNames) {
        this.jdbc = jdbc;
        this.agentNames = agentNames;
        this.clock = clock;
    }

    @GetMapping("/api/callbacks")
    ResponseEntity<?> list(@RequestParam(defaultValue = "7") String days) {
        int span;
        try {
            span = Integer.parseInt(days.strip());
        }
        catch (NumberFormatException e) {
            span = -1;
        }
        if (span < 1 || span > MAX_DAYS) {
            return ResponseEntity.badRequest().body(Map.of("error", "bad_request", "message",
                    "days must be a whole number from 1 to " + MAX_DAYS));
        }
        long since = clock.millis() - span * 86_400_000L;
        List<MissedCall> calls = jdbc.sql("""
                SELECT id, caller_name, caller_number, created_at, end_reason, source, callback_by, callback_at
                FROM calls WHERE state = 'MISSED' AND created_at >= :since ORDER BY created_at DESC LIMIT :max
                """).param("since", since).param("max", MAX_ROWS)
                .query((rs, n) -> new MissedCall(rs.getString("id"), rs.getString("caller_name"),
                        rs.getString("caller_number"), Instant.ofEpochMilli(rs.getLong("created_at")),
                        lower(rs.getString("end_reason")), rs.getString("source"), rs.getString("callback_by"),
                        rs.getObject("callback_at") == null ? null : Instant.ofEpochMilli(rs.getLong("callback_at")),
                        agentNames.of(rs.getString("callback_by"))))
                .list();
        return ResponseEntity.ok(Map.of("calls", calls));
    }

    @PostMapping("/api/callbacks/{callId}")
    ResponseEntity<Map<String, Object>> done(@PathVariable String callId, Authentication user) {
        if (!callId.matches("[0-9a-f-]{36}")) {
            return ResponseEntity.notFound().build();
        }
        long now = clock.millis();
        int updated = jdbc.sql("""
                UPDATE calls SET callback_by = :by, callback_at = :at
                WHERE id = :id AND state = 'MISSED' AND callback_at IS NULL
                """).param("by", user.getName()).param("at", now).param("id", callId).update();
        if (updated == 1) {
            return ResponseEntity.ok(Map.of("callId", callId, "calledBackBy", user.getName(),
                    "calledBackByName", agentNames.of(user.getName()),
                    "calledBackAt", Instant.ofEpochMilli(now).toString()));
        }
        var row = jdbc.sql("SELECT state, callback_by FROM calls WHERE id = :id").param("id", callId)
                .query((rs, n) -> new String[] { rs.getString(1), rs.getString(2) }).optional();
        if (row.isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        String message = !"MISSED".equals(row.get()[0]) ? "Only a missed call can be called back"
                : "Already called back by " + row.get()[1];
        return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", "conflict", "message", message));
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(java.util.Locale.ROOT);
    }
}
