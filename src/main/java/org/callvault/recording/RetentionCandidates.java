package org.callvault.recording;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Which recordings the retention rules would delete now. One query per rule (and one for the
 * default): the recordings older than that rule's days whose call matches it and no rule before
 * it, and is not on hold. The SQL is built from fixed fragments; rule values travel as parameters.
 */
@Component
public class RetentionCandidates {

    private final JdbcClient jdbc;

    RetentionCandidates(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A recording retention would delete.
     *
     * @param rule the 1-based number of the rule that decided, 0 for the default
     */
    public record Candidate(String recordingId, String callId, Instant createdAt, String source, String outcome, int rule,
            int days) {
    }

    /** A rule's place among the rules (0: the default) and its days. */
    record Selector(int rule, int days) {
    }

    static List<Selector> selectors(RetentionSettings settings) {
        List<Selector> selectors = new ArrayList<>();
        for (int i = 0; i < settings.rules().size(); i++) {
            selectors.add(new Selector(i + 1, settings.rules().get(i).days()));
        }
        selectors.add(new Selector(0, settings.defaultDays()));
        return selectors;
    }

    List<Candidate> find(RetentionSettings settings, Selector selector, Instant now, int limit) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(settings, selector, now, params);
        params.put("limit", limit);
        return jdbc.sql("""
                SELECT r.id, r.call_id, r.created_at, COALESCE(c.source, 'browser') AS source, c.state
                FROM recordings r JOIN calls c ON c.id = r.call_id
                """ + where + " ORDER BY r.created_at, r.id LIMIT :limit").params(params)
                .query((rs, n) -> new Candidate(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                        rs.getString(4), rs.getString(5).toLowerCase(Locale.ROOT), selector.rule(), selector.days()))
                .list();
    }

    long count(RetentionSettings settings, Selector selector, Instant now) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(settings, selector, now, params);
        return jdbc.sql("SELECT COUNT(*) FROM recordings r JOIN calls c ON c.id = r.call_id" + where).params(params)
                .query(Long.class).single();
    }

    private static String where(RetentionSettings settings, Selector selector, Instant now, Map<String, Object> params) {
        List<String> clauses = new ArrayList<>();
        clauses.add("r.status IN ('COMPLETE', 'FAILED')");
        clauses.add("r.created_at < :cutoff");
        params.put("cutoff", now.minusSeconds(86_400L * selector.days()).toEpochMilli());
        // Holds always win.
        clauses.add("NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.call_id = r.call_id)");
        int decided = selector.rule() == 0 ? settings.rules().size() : selector.rule() - 1;
        for (int i = 0; i < decided; i++) {
            clauses.add("NOT " + matches(settings.rules().get(i), i, params));
        }
        if (selector.rule() > 0) {
            int index = selector.rule() - 1;
            clauses.add(matches(settings.rules().get(index), index, params));
        }
        return " WHERE " + String.join(" AND ", clauses);
    }

    /** A parenthesised condition that is never NULL (source is read with its V14 default). */
    private static String matches(RetentionRule rule, int index, Map<String, Object> params) {
        List<String> parts = new ArrayList<>();
        if (rule.source() != null) {
            parts.add("COALESCE(c.source, 'browser') = :source" + index);
            params.put("source" + index, rule.source());
        }
        if (rule.outcome() != null) {
            parts.add("c.state = :outcome" + index);
            params.put("outcome" + index, rule.outcome().toUpperCase(Locale.ROOT));
        }
        if (rule.tag() != null) {
            parts.add("EXISTS (SELECT 1 FROM call_tags t WHERE t.call_id = c.id AND t.tag = :tag" + index + ")");
            params.put("tag" + index, rule.tag());
        }
        return "(" + String.join(" AND ", parts) + ")";
    }
}
