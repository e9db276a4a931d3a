package org.callvault.audit;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Walks the audit chain from its first entry and names the first one that does not hold: its own
 * hash no longer matches its content (the entry was changed), or its link does not match the entry
 * before it (an entry before it was removed or changed), or an entry sits outside the chain.
 * Pages through the log by position, so a long log is never read whole. Plain JDBC, no Spring
 * context: the command line uses it too ({@link AuditVerifyCommand}).
 */
public class AuditVerifier {

    private static final int PAGE = 1_000;

    private final JdbcClient jdbc;

    public AuditVerifier(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param intact       every entry holds
     * @param entries      entries checked (up to the first broken one)
     * @param headSeq      the last entry's position (write it down elsewhere: removing entries from
     *                     the end of the log can only be seen against a head noted before)
     * @param headHash     the last entry's hash
     * @param brokenSeq    the first broken entry's position (null when intact)
     * @param brokenId     the first broken entry's id (null when intact)
     * @param problem      what is wrong with it, in words
     */
    public record Result(boolean intact, long entries, long headSeq, String headHash, Long brokenSeq, String brokenId,
            String problem) {
    }

    public Result verify() {
        String outside = jdbc.sql("SELECT id FROM audit_log WHERE seq IS NULL OR entry_hash IS NULL OR prev_hash IS NULL"
                + " ORDER BY occurred_at, id LIMIT 1").query(String.class).optional().orElse(null);
        long expectedSeq = 1;
        String previousHash = AuditChain.GENESIS;
        long checked = 0;
        while (true) {
            List<Row> page = jdbc.sql("SELECT " + AuditLog.COLUMNS
                    + " FROM audit_log WHERE seq >= :from ORDER BY seq LIMIT :limit")
                    .param("from", expectedSeq).param("limit", PAGE).query(Row::map).list();
            for (Row entry : page) {
                String problem = problemOf(entry, expectedSeq, previousHash);
                if (problem != null) {
                    return new Result(false, checked, expectedSeq - 1, previousHash, entry.seq(), entry.id(), problem);
                }
                checked++;
                expectedSeq++;
                previousHash = entry.hash();
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        if (outside != null) {
            return new Result(false, checked, expectedSeq - 1, previousHash, null, outside,
                    "entry " + outside + " is not in the chain (no position or hash): it was written around the log");
        }
        return new Result(true, checked, expectedSeq - 1, previousHash, null, null, null);
    }

    /** The stored columns as they are: an action renamed in the table is a change to report, not to fail on. */
    private record Row(String id, long seq, long occurredAt, String actor, String action, String target, String detail,
            String clientAddress, String previousHash, String hash) {

        static Row map(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
            return new Row(rs.getString("id"), rs.getLong("seq"), rs.getLong("occurred_at"), rs.getString("actor"),
                    rs.getString("action"), rs.getString("target"), rs.getString("detail"),
                    rs.getString("client_address"), rs.getString("prev_hash"), rs.getString("entry_hash"));
        }
    }

    private static String problemOf(Row entry, long expectedSeq, String previousHash) {
        String recomputed = AuditChain.hash(entry.seq(), entry.occurredAt(), entry.actor(), entry.action(),
                entry.target(), entry.detail(), entry.clientAddress(), entry.previousHash());
        if (!recomputed.equals(entry.hash())) {
            return "entry " + entry.seq() + " was changed: its content no longer matches its hash";
        }
        if (entry.seq() != expectedSeq) {
            return "entries " + expectedSeq + (entry.seq() - 1 > expectedSeq ? " to " + (entry.seq() - 1) : "")
                    + " before entry " + entry.seq() + " are missing";
        }
        if (!entry.previousHash().equals(previousHash)) {
            return "entry " + entry.seq() + " does not follow the entry before it (that entry was changed or replaced)";
        }
        return null;
    }
}
