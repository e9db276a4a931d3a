package org.callvault.library;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.callvault.call.CallSearchIndex;
import org.callvault.call.CallSearchTerms;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Writes a call's notes, outcome and tags ({@code call_tags}) together, and makes their words searchable. */
@Repository
class CallAnnotationsRepository {

    /** Search terms kept for one call's notes and tags; a longer note is still matched by its first words. */
    private static final int MAX_TERMS = 400;

    private final JdbcClient jdbc;
    private final CallSearchIndex searchIndex;
    private final TransactionTemplate transaction;

    CallAnnotationsRepository(JdbcClient jdbc, CallSearchIndex searchIndex, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.searchIndex = searchIndex;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** The agent who answered the call (null: nobody did), or empty when there is no such call. */
    Optional<Optional<String>> agentOf(String callId) {
        return jdbc.sql("SELECT agent_username FROM calls WHERE id = :id").param("id", callId)
                .query((rs, n) -> Optional.ofNullable(rs.getString(1))).optional();
    }

    void save(String callId, CallAnnotations annotations, String by, Instant at) {
        transaction.executeWithoutResult(status -> {
            jdbc.sql("""
                    UPDATE calls SET notes = :notes, outcome_code = :outcome, annotated_by = :by, annotated_at = :at
                    WHERE id = :id
                    """).param("notes", annotations.notes()).param("outcome", annotations.outcomeCode())
                    .param("by", by).param("at", at.toEpochMilli()).param("id", callId).update();
            jdbc.sql("DELETE FROM call_tags WHERE call_id = :id").param("id", callId).update();
            for (String tag : annotations.tags()) {
                jdbc.sql("INSERT INTO call_tags (call_id, tag) VALUES (:id, :tag)").param("id", callId).param("tag", tag)
                        .update();
            }
            // Old words stay in the index: a stale term only lets the LIKE look at one more call.
            String words = String.join(" ", annotations.tags()) + " " + (annotations.notes() == null ? "" : annotations.notes());
            Set<String> terms = CallSearchTerms.of(words, null);
            if (terms.size() > MAX_TERMS) {
                words = words.substring(0, Math.min(words.length(), 600));
            }
            searchIndex.addMissing(callId, words, null);
        });
    }
}
