package org.callvault.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Append-only record of who did what: sign-ins, user changes, deletions. */
@Repository
public class AuditLog {

    private static final int MAX_DETAIL = 1000;

    private final JdbcClient jdbc;
    private final Clock clock;

    public AuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public void record(AuditAction action, String actor, String target, String detail, String clientAddress) {
        jdbc.sql("""
                INSERT INTO audit_log (id, occurred_at, actor, action, target, detail, client_address)
                VALUES (:id, :at, :actor, :action, :target, :detail, :address)
                """)
                .param("id", UUID.randomUUID().toString())
                .param("at", clock.millis())
                .param("actor", truncate(actor, 64))
                .param("action", action.name())
                .param("target", truncate(target, 255))
                .param("detail", truncate(detail, MAX_DETAIL))
                .param("address", truncate(clientAddress, 64))
                .update();
    }

    public List<AuditEntry> recent(int limit) {
        return jdbc.sql("""
                SELECT id, occurred_at, actor, action, target, detail, client_address
                FROM audit_log ORDER BY occurred_at DESC, id DESC
                """)
                .query(AuditLog::map).stream().limit(limit).toList();
    }

    private static AuditEntry map(ResultSet rs, int row) throws SQLException {
        return new AuditEntry(rs.getString("id"), Instant.ofEpochMilli(rs.getLong("occurred_at")), rs.getString("actor"),
                AuditAction.valueOf(rs.getString("action")), rs.getString("target"), rs.getString("detail"),
                rs.getString("client_address"));
    }

    /** The most recent entry of one kind, if any. */
    public Optional<AuditEntry> latest(AuditAction action) {
        return jdbc.sql("""
                SELECT id, occurred_at, actor, action, target, detail, client_address
                FROM audit_log WHERE action = :action ORDER BY occurred_at DESC, id DESC LIMIT 1
                """)
                .param("action", action.name()).query(AuditLog::map).optional();
    }

    public long count(AuditAction action) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = :action")
                .param("action", action.name()).query(Long.class).single();
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
