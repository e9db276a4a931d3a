package org.callvault.call;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The {@code call_search_terms} table (see {@link CallSearchTerms}): written when a call is
 * created, read by the call history's free-text filter.
 */
@Repository
public class CallSearchIndex {

    private static final String INSERT = "INSERT INTO call_search_terms (term, call_id) VALUES (?, ?)";

    private final JdbcTemplate jdbc;

    public CallSearchIndex(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Adds a call's terms; its name and number never change after the call is created. */
    public void add(String callId, String callerName, String callerNumber) {
        List<Object[]> rows = new ArrayList<>();
        addRows(rows, callId, callerName, callerNumber);
        insert(jdbc, rows);
    }

    /** Adds terms for another name and number of a call (a recorded session's participant), skipping known ones. */
    public void addMissing(String callId, String name, String number) {
        List<Object[]> rows = new ArrayList<>();
        for (String term : CallSearchTerms.of(name, number)) {
            Integer known = jdbc.queryForObject("SELECT COUNT(*) FROM call_search_terms WHERE term = ? AND call_id = ?",
                    Integer.class, term, callId);
            if (known == null || known == 0) {
                rows.add(new Object[] { term, callId });
            }
        }
        insert(jdbc, rows);
    }

    /** Appends a call's (term, call id) rows to a batch, for {@link #insert}. */
    public static void addRows(List<Object[]> batch, String callId, String callerName, String callerNumber) {
        for (String term : CallSearchTerms.of(callerName, callerNumber)) {
            batch.add(new Object[] { term, callId });
        }
    }

    /** Inserts a batch of (term, call id) rows made by {@link #addRows}. */
    public static void insert(JdbcTemplate jdbc, List<Object[]> batch) {
        if (!batch.isEmpty()) {
            jdbc.batchUpdate(INSERT, batch);
        }
    }

    /**
     * The ids of the calls whose name or number may contain {@code text}, when they are at most
     * {@code limit}; empty when the index cannot narrow the search (no word of 3+ characters, or
     * so many matches that walking the calls in order finds a page sooner). Reads at most
     * {@code limit + 1} index entries.
     */
    public Optional<Set<String>> candidates(String text, int limit) {
        Optional<CallSearchTerms.Range> range = CallSearchTerms.rangeFor(text);
        if (range.isEmpty()) {
            return Optional.empty();
        }
        String to = range.get().toExclusive();
        String sql = "SELECT call_id FROM call_search_terms WHERE term >= ?" + (to == null ? "" : " AND term < ?")
                + " LIMIT " + (limit + 1);
        Object[] args = to == null ? new Object[] { range.get().from() } : new Object[] { range.get().from(), to };
        List<String> ids = jdbc.queryForList(sql, String.class, args);
        return ids.size() > limit ? Optional.empty() : Optional.of(new HashSet<>(ids));
    }
}
