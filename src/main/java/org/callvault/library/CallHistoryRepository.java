package org.callvault.library;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.callvault.call.CallSearchIndex;
import org.callvault.recording.LegalHold;
import org.callvault.recording.LegalHolds;
import org.callvault.user.AgentNames;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads the call history. The WHERE clause is built from fixed fragments with named parameters;
 * user input only ever travels as a parameter value.
 */
@Repository
public class CallHistoryRepository {

    /**
     * Pages read the calls alone, then their recordings by id: a join in the paged query lets
     * MariaDB pick a join buffer and sort the whole range instead of walking the index.
     */
    private static final String SELECT = """
            SELECT c.id, c.state, c.caller_name, c.caller_number, c.agent_username, c.created_at, c.answered_at,
                   c.ended_at, c.end_reason, c.duration_ms, c.source, c.dtmf, c.notes, c.outcome_code,
                   s.session_id AS s_session_id, s.sip_call_id AS s_sip_call_id, s.src_address AS s_src_address,
                   s.participants AS s_participants, s.pauses AS s_pauses, s.metadata_parsed AS s_metadata_parsed,
                   s.metadata_problem AS s_metadata_problem
            FROM calls c LEFT JOIN recording_sessions s ON s.call_id = c.id
            """;

    private static final String SELECT_RECORDINGS = """
            SELECT call_id, id, status, sample_rate, channels, duration_ms, size_bytes, sha256, repaired, partial, parts,
                   lost_packets
            FROM recordings WHERE call_id IN (:ids)
            """;

    /**
     * Up to this many index matches, a free-text search reads just those calls; beyond it the
     * text is common enough that walking the calls in order fills a page sooner.
     */
    static final int TEXT_CANDIDATES_LIMIT = 2_000;

    private final JdbcClient jdbc;
    private final CallSearchIndex searchIndex;
    private final LegalHolds holds;

    /** Calls keep the agent's user name; people read the display name (the user name once deleted). */
    private final AgentNames agentNames;

    public CallHistoryRepository(JdbcClient jdbc, CallSearchIndex searchIndex, LegalHolds holds,
            AgentNames agentNames) {
        this.jdbc = jdbc;
        this.agentNames = agentNames;
        this.searchIndex = searchIndex;
        this.holds = holds;
    }

    public CallPage find(CallFilter filter, Cursor after, int limit) {
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder where = where(filter, params);
        boolean textScan = filter.text() != null && !params.containsKey("textCandidates");
        if (after != null) {
            String op = filter.newestFirst() ? "<" : ">";
            // "created_at <= x AND (created_at < x OR id < y)": the first half is a plain index range,
            // which every engine uses; the textbook "(a < x OR (a = x AND b < y))" makes MariaDB scan.
            where.append(where.isEmpty() ? " WHERE " : " AND ")
                    .append("c.created_at ").append(op).append("= :afterAt AND (c.created_at ").append(op)
                    .append(" :afterAt OR c.id ").append(op).append(" :afterId)");
            params.put("afterAt", after.createdAt());
            params.put("afterId", after.id());
        }
        String order = filter.newestFirst() ? " ORDER BY c.created_at DESC, c.id DESC" : " ORDER BY c.created_at, c.id";
        params.put("limit", limit + 1);
        List<CallRecord> rows = withRecordings(textScan ? pageByIdsFirst(where, order, params)
                : jdbc.sql(SELECT + where + order + " LIMIT :limit").params(params).query(CallHistoryRepository::map)
                        .list());
        String next = null;
        if (rows.size() > limit) {
            rows = new ArrayList<>(rows.subList(0, limit));
            CallRecord last = rows.get(limit - 1);
            next = new Cursor(last.createdAt().toEpochMilli(), last.id()).encode();
        }
        return new CallPage(rows, next);
    }

    /**
     * Common free text walks the calls in order testing each one's name and number: selecting
     * only ids keeps that walk inside an index (V6), then the page's rows are read by id.
     */
    private List<CallRecord> pageByIdsFirst(StringBuilder where, String order, Map<String, Object> params) {
        List<String> ids = jdbc.sql("SELECT c.id FROM calls c" + where + order + " LIMIT :limit").params(params)
                .query(String.class).list();
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql(SELECT + " WHERE c.id IN (:pageIds)" + order).param("pageIds", ids)
                .query(CallHistoryRepository::map).list();
    }

    /** Every call matching the filter, newest first, one row at a time (CSV export, bulk delete). */
    public void forEach(CallFilter filter, Consumer<CallRecord> action) {
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder where = where(filter, params);
        String order = filter.newestFirst() ? " ORDER BY c.created_at DESC, c.id DESC" : " ORDER BY c.created_at, c.id";
        List<CallRecord> batch = new ArrayList<>();
        try (var rows = jdbc.sql(SELECT + where + order).params(params).query(CallHistoryRepository::map).stream()) {
            rows.forEach(row -> {
                batch.add(row);
                if (batch.size() == 500) {
                    withRecordings(batch).forEach(action);
                    batch.clear();
                }
            });
        }
        withRecordings(batch).forEach(action);
    }

    public Optional<CallRecord> findById(String id) {
        return jdbc.sql(SELECT + " WHERE c.id = :id").param("id", id).query(CallHistoryRepository::map).optional()
                .map(call -> withRecordings(List.of(call)).get(0));
    }

    /** The metadata body a SIPREC session's client sent, if the call is one and sent any. */
    public Optional<String> metadataOf(String callId) {
        return jdbc.sql("SELECT metadata FROM recording_sessions WHERE call_id = :id").param("id", callId)
                .query(String.class).optional();
    }

    public Optional<CallRecord> findByRecordingId(String recordingId) {
        return jdbc.sql("SELECT call_id FROM recordings WHERE id = :id").param("id", recordingId)
                .query(String.class).optional().flatMap(this::findById);
    }

    private List<CallRecord> withRecordings(List<CallRecord> calls) {
        if (calls.isEmpty()) {
            return calls;
        }
        Map<String, CallRecord.Recording> byCall = new java.util.HashMap<>();
        jdbc.sql(SELECT_RECORDINGS).param("ids", calls.stream().map(CallRecord::id).toList())
                .query((rs, n) -> byCall.put(rs.getString("call_id"), new CallRecord.Recording(rs.getString("id"),
                        rs.getString("status"), rs.getInt("sample_rate"), rs.getInt("channels"),
                        nullableLong(rs, "duration_ms"), nullableLong(rs, "size_bytes"), rs.getString("sha256"),
                        rs.getBoolean("repaired"), rs.getBoolean("partial"), rs.getInt("parts"),
                        rs.getLong("lost_packets"))))
                .list();
        Map<String, List<String>> tags = new java.util.HashMap<>();
        jdbc.sql("SELECT call_id, tag FROM call_tags WHERE call_id IN (:ids) ORDER BY tag")
                .param("ids", calls.stream().map(CallRecord::id).toList())
                .query((rs, n) -> tags.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2)))
                .list();
        Map<String, LegalHold> holds = this.holds.findAll(calls.stream().map(CallRecord::id).toList());
        List<CallRecord> result = new ArrayList<>(calls.size());
        for (CallRecord c : calls) {
            result.add(new CallRecord(c.id(), c.state(), c.callerName(), c.callerNumber(), c.agent(), c.createdAt(),
                    c.answeredAt(), c.endedAt(), c.endReason(), c.durationMs(), byCall.get(c.id()), c.source(), c.dtmf(),
                    c.session(), c.notes(), tags.getOrDefault(c.id(), List.of()), c.outcomeCode(), holds.get(c.id()),
                    agentNames.of(c.agent())));
        }
        return result;
    }

    private StringBuilder where(CallFilter filter, Map<String, Object> params) {
        List<String> clauses = new ArrayList<>();
        if (filter.from() != null) {
            clauses.add("c.created_at >= :from");
            params.put("from", filter.from().toEpochMilli());
        }
        if (filter.to() != null) {
            clauses.add("c.created_at < :to");
            params.put("to", filter.to().toEpochMilli());
        }
        if (filter.agent() != null) {
            clauses.add("c.agent_username = :agent");
            params.put("agent", filter.agent());
        }
        if (filter.source() != null) {
            clauses.add("c.source = :source");
            params.put("source", filter.source());
        }
        if (filter.outcomeCode() != null) {
            clauses.add("c.outcome_code = :outcomeCode");
            params.put("outcomeCode", filter.outcomeCode());
        }
        if (filter.tag() != null) {
            clauses.add("EXISTS (SELECT 1 FROM call_tags t WHERE t.call_id = c.id AND t.tag = :tag)");
            params.put("tag", filter.tag());
        }
        if (filter.state() != null) {
            clauses.add("c.state = :state");
            params.put("state", filter.state());
        }
        if (filter.caller() != null) {
            // One column per query: an OR of two LIKEs makes MariaDB merge two index ranges and sort
            // them (a second on a million calls) instead of walking the start-time index.
            boolean number = filter.caller().matches("[+0-9(][0-9 ()+.-]*");
            clauses.add((number ? "c.caller_number" : "c.caller_name") + " LIKE :callerPrefix ESCAPE '!'");
            params.put("callerPrefix", escapeLike(filter.caller()) + "%");
        }
        if (filter.minSeconds() != null) {
            clauses.add("c.duration_ms >= :minMs");
            params.put("minMs", filter.minSeconds() * 1000);
        }
        if (filter.maxSeconds() != null) {
            clauses.add("c.duration_ms <= :maxMs");
            params.put("maxMs", filter.maxSeconds() * 1000);
        }
        if (filter.text() != null) {
            // The index narrows rare text to a few calls; the LIKEs below still decide, so the
            // result is the same whichever way the calls were found.
            Optional<Set<String>> candidates = searchIndex.candidates(filter.text(), TEXT_CANDIDATES_LIMIT);
            if (candidates.isPresent() && candidates.get().isEmpty()) {
                clauses.add("1 = 0");
            }
            else if (candidates.isPresent()) {
                clauses.add("c.id IN (:textCandidates)");
                params.put("textCandidates", candidates.get());
            }
            // A recorded session's other participants are searched in its session row (SIPREC only);
            // an annotated call's notes and tags too (their words are in the index since they were saved).
            clauses.add("(LOWER(c.caller_name) LIKE :text ESCAPE '!' OR c.caller_number LIKE :text ESCAPE '!'"
                    + " OR (c.source = 'siprec' AND EXISTS (SELECT 1 FROM recording_sessions rs"
                    + " WHERE rs.call_id = c.id AND LOWER(rs.participants) LIKE :text ESCAPE '!'))"
                    + " OR (c.annotated_at IS NOT NULL AND (LOWER(c.notes) LIKE :text ESCAPE '!'"
                    + " OR EXISTS (SELECT 1 FROM call_tags ct WHERE ct.call_id = c.id AND ct.tag LIKE :text ESCAPE '!'))))");
            params.put("text", "%" + escapeLike(filter.text().toLowerCase(Locale.ROOT)) + "%");
        }
        return new StringBuilder(clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses));
    }

    private static String escapeLike(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static CallRecord map(ResultSet rs, int row) throws SQLException {
        return new CallRecord(rs.getString("id"), rs.getString("state"), rs.getString("caller_name"),
                rs.getString("caller_number"), rs.getString("agent_username"), instant(rs, "created_at"),
                instant(rs, "answered_at"), instant(rs, "ended_at"), rs.getString("end_reason"),
                nullableLong(rs, "duration_ms"), null, rs.getString("source"),
                org.callvault.call.DtmfDigit.decode(rs.getString("dtmf")), RecordedSession.from(rs),
                rs.getString("notes"), List.of(), rs.getString("outcome_code"), null, null);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Long millis = nullableLong(rs, column);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
