package org.callvault.call;

import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The calls table: a row when a call starts, updated on each transition. */
@Repository
public class CallRepository {

    private final JdbcClient jdbc;
    private final CallSearchIndex searchIndex;
    private final TransactionTemplate transaction;

    public CallRepository(JdbcClient jdbc, CallSearchIndex searchIndex, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.searchIndex = searchIndex;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** The call's row and its search terms, together or not at all. */
    void insert(CallView call, String callerAddress, String homeNode) {
        transaction.executeWithoutResult(status -> {
            insertRow(call, callerAddress, homeNode);
            searchIndex.add(call.id(), call.callerName(), call.callerNumber());
        });
    }

    private void insertRow(CallView call, String callerAddress, String homeNode) {
        jdbc.sql("""
                INSERT INTO calls (id, state, caller_name, caller_number, caller_address, created_at, source, home_node)
                VALUES (:id, :state, :name, :number, :address, :created, :source, :home)
                """)
                .param("id", call.id()).param("state", call.state().name())
                .param("name", call.callerName()).param("number", call.callerNumber())
                .param("address", callerAddress).param("created", call.createdAt().toEpochMilli())
                .param("source", call.source()).param("home", homeNode)
                .update();
    }

    void update(CallView call) {
        jdbc.sql("""
                UPDATE calls SET state = :state, agent_username = :agent, answered_at = :answered,
                       ended_at = :ended, end_reason = :reason, duration_ms = :duration, dtmf = :dtmf
                WHERE id = :id
                """)
                .param("state", call.state().name()).param("agent", call.agent())
                .param("answered", millis(call.answeredAt())).param("ended", millis(call.endedAt()))
                .param("reason", call.endReason() == null ? null : call.endReason().name())
                .param("duration", call.durationMs()).param("dtmf", DtmfDigit.encode(call.dtmf()))
                .param("id", call.id())
                .update();
    }

    /** Whom the call rang at and how each ended (the per-agent figures read them). */
    void saveOffers(String callId, List<RingOffer> offers) {
        for (RingOffer offer : offers) {
            jdbc.sql("""
                    INSERT INTO call_offers (call_id, agent_username, offered_at, ended_at, outcome)
                    VALUES (:call, :agent, :offered, :ended, :outcome)
                    """).param("call", callId).param("agent", offer.agent).param("offered", offer.offeredAt)
                    .param("ended", offer.endedAt).param("outcome", offer.outcome == null ? "FAILED" : offer.outcome.name())
                    .update();
        }
    }

    /** A recorded call's session facts (SIPREC): inserted the first time, replaced afterwards. */
    void saveSession(String callId, RecordingSessionFacts facts, String pauses, boolean first) {
        String participants = SESSION_JSON.writeValueAsString(facts.participants());
        if (participants.length() > 4000) {
            participants = SESSION_JSON.writeValueAsString(facts.participants().subList(0,
                    Math.min(facts.participants().size(), 8)));
        }
        String sql = first ? """
                INSERT INTO recording_sessions (call_id, session_id, sip_call_id, src_address, participants, pauses,
                       metadata_parsed, metadata_problem, metadata)
                VALUES (:call, :session, :sipCallId, :src, :participants, :pauses, :parsed, :problem, :metadata)
                """ : """
                UPDATE recording_sessions SET session_id = :session, sip_call_id = :sipCallId, src_address = :src,
                       participants = :participants, pauses = :pauses, metadata_parsed = :parsed,
                       metadata_problem = :problem, metadata = :metadata
                WHERE call_id = :call
                """;
        jdbc.sql(sql).param("call", callId).param("session", truncate(facts.sessionId(), 255))
                .param("sipCallId", truncate(facts.sipCallId(), 255)).param("src", truncate(facts.srcAddress(), 64))
                .param("participants", participants).param("pauses", truncate(pauses, 4000))
                .param("parsed", facts.metadataParsed()).param("problem", truncate(facts.metadataProblem(), 500))
                .param("metadata", facts.metadata())
                .update();
        if (first) {
            // Every participant's name and number finds the call, not only the first's.
            for (RecordingSessionFacts.Participant p : facts.participants()) {
                searchIndex.addMissing(callId, p.name(), p.aor());
            }
        }
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    private static final tools.jackson.databind.json.JsonMapper SESSION_JSON = tools.jackson.databind.json.JsonMapper
            .builder().build();

    /**
     * After a crash: the calls this node left live are over. {@code homeNode}: this node's id among
     * several, whose calls alone are closed (the others' are still going); null on one node, where
     * every live row is this node's. Returns how many were closed.
     */
    public int failLiveCalls(EndReason reason, Instant now, String homeNode) {
        return failLive(reason, now, homeNode == null ? "" : " AND home_node = :home", homeNode);
    }

    /**
     * Among several nodes, at start: the live calls of a process that ran without the cluster
     * ({@code home_node} NULL: before V28, or a single node) are over, as that process is not running
     * (it must not share the database with cluster nodes). The WHERE clause decides, so of two nodes
     * starting at once each row is closed by one of them; the other's UPDATE no longer matches it.
     */
    public int failLiveCallsWithoutHome(EndReason reason, Instant now) {
        return failLive(reason, now, " AND home_node IS NULL", null);
    }

    private int failLive(EndReason reason, Instant now, String which, String homeNode) {
        int ended = withHome(jdbc.sql("""
                UPDATE calls SET state = 'ENDED', end_reason = :reason, ended_at = :now,
                       duration_ms = :now - answered_at
                WHERE state = 'ANSWERED'""" + which), homeNode)
                .param("reason", reason.name()).param("now", now.toEpochMilli()).update();
        int failed = withHome(jdbc.sql("""
                UPDATE calls SET state = 'FAILED', end_reason = :reason, ended_at = :now WHERE state = 'RINGING'""" + which),
                homeNode).param("reason", reason.name()).param("now", now.toEpochMilli()).update();
        return ended + failed;
    }

    private static JdbcClient.StatementSpec withHome(JdbcClient.StatementSpec statement, String homeNode) {
        return homeNode == null ? statement : statement.param("home", homeNode);
    }

    /**
     * After a crash: a call closed by {@link #failLiveCalls} (or {@link #failLiveCallsWithoutHome},
     * perhaps by another node that started earlier without the file) whose recording was repaired
     * lasted as long as that recording, and ended that long after it was answered.
     */
    void endAfterRecording(String id, long durationMs) {
        jdbc.sql("""
                UPDATE calls SET duration_ms = :duration, ended_at = answered_at + :duration
                WHERE id = :id AND answered_at IS NOT NULL AND end_reason IN ('SERVER_RESTART', 'SERVER_LOST')
                """).param("duration", durationMs).param("id", id).update();
    }

    public String state(String id) {
        return jdbc.sql("SELECT state FROM calls WHERE id = :id").param("id", id).query(String.class).optional()
                .orElse(null);
    }

    private static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }
}
