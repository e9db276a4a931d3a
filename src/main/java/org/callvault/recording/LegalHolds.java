package org.callvault.recording;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditLog;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Puts calls on legal hold and lifts holds, each audited. {@link RecordingDeletion} refuses to
 * delete the recording of a held call, whoever asks (a user, a bulk delete, retention).
 */
@Service
public class LegalHolds {

    public static final int MAX_REASON = 500;

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Clock clock;

    LegalHolds(JdbcClient jdbc, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    public enum Outcome {
        PLACED, ALREADY_HELD, LIFTED, NOT_HELD, NOT_FOUND
    }

    /** The reason as it will be stored; refuses what no person would write as a reason. */
    public static String validReason(String reason) {
        String value = reason == null ? "" : reason.strip();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("A hold needs a reason (e.g. the dispute or case number)");
        }
        if (value.length() > MAX_REASON) {
            throw new IllegalArgumentException("The reason may have at most " + MAX_REASON + " characters");
        }
        if (value.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
            throw new IllegalArgumentException("The reason may not contain control characters");
        }
        return value;
    }

    public Outcome place(String callId, String reason, String actor, String clientAddress) {
        String valid = validReason(reason);
        if (!callExists(callId)) {
            return Outcome.NOT_FOUND;
        }
        try {
            jdbc.sql("INSERT INTO legal_holds (call_id, reason, held_by, held_at) VALUES (:call, :reason, :by, :at)")
                    .param("call", callId).param("reason", valid).param("by", actor).param("at", clock.millis())
                    .update();
        }
        catch (DuplicateKeyException e) {
            return Outcome.ALREADY_HELD;
        }
        audit.record(AuditAction.HOLD_PLACED, actor, callId, valid, clientAddress);
        return Outcome.PLACED;
    }

    public Outcome lift(String callId, String actor, String clientAddress) {
        Optional<LegalHold> hold = find(callId);
        if (hold.isEmpty()) {
            return callExists(callId) ? Outcome.NOT_HELD : Outcome.NOT_FOUND;
        }
        if (jdbc.sql("DELETE FROM legal_holds WHERE call_id = :call").param("call", callId).update() == 0) {
            return Outcome.NOT_HELD;
        }
        audit.record(AuditAction.HOLD_LIFTED, actor, callId, "was held since " + hold.get().heldAt() + " by "
                + hold.get().heldBy() + ": " + hold.get().reason(), clientAddress);
        return Outcome.LIFTED;
    }

    public Optional<LegalHold> find(String callId) {
        return jdbc.sql("SELECT call_id, reason, held_by, held_at FROM legal_holds WHERE call_id = :call")
                .param("call", callId).query(LegalHolds::map).optional();
    }

    /** The holds among these calls, by call id. */
    public Map<String, LegalHold> findAll(Collection<String> callIds) {
        Map<String, LegalHold> holds = new HashMap<>();
        if (!callIds.isEmpty()) {
            jdbc.sql("SELECT call_id, reason, held_by, held_at FROM legal_holds WHERE call_id IN (:calls)")
                    .param("calls", callIds).query(LegalHolds::map).list()
                    .forEach(hold -> holds.put(hold.callId(), hold));
        }
        return holds;
    }

    private boolean callExists(String callId) {
        return jdbc.sql("SELECT COUNT(*) FROM calls WHERE id = :call").param("call", callId).query(Long.class)
                .single() > 0;
    }

    private static LegalHold map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new LegalHold(rs.getString("call_id"), rs.getString("reason"), rs.getString("held_by"),
                Instant.ofEpochMilli(rs.getLong("held_at")));
    }
}
