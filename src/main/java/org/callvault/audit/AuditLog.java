package org.callvault.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Append-only record of who did what: sign-ins, user changes, playback, deletions, holds,
 * retention. Every entry is linked to the one before it by a hash ({@link AuditChain}), so a
 * changed or removed entry shows ({@link AuditVerifier}).
 *
 * <p>Appends are serialized: one lock in this process, so entries written from many threads form
 * one chain, and a unique index on {@code seq}, so two servers on one database can never both
 * write entry n (the loser reads the new head and tries again; see docs/ARCHITECTURE.md).
 */
@Repository
public class AuditLog {

    static final int MAX_DETAIL = 1000;
    private static final int ATTEMPTS = 5;
    static final String COLUMNS = "id, occurred_at, actor, action, target, detail, client_address, seq, prev_hash,"
            + " entry_hash";

    private final JdbcClient jdbc;
    private final Clock clock;
    private final TransactionTemplate ownTransaction;
    private final ReentrantLock appending = new ReentrantLock();

    /** Without a transaction manager (tests on a bare data source): each statement commits itself. */
    public AuditLog(JdbcClient jdbc, Clock clock) {
        this(jdbc, clock, null);
    }

    @Autowired
    public AuditLog(JdbcClient jdbc, Clock clock, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.clock = clock;
        if (transactions == null) {
            this.ownTransaction = null;
        }
        else {
            // An entry commits on its own, at once: a caller's longer transaction (a user change)
            // must not hold the chain's head uncommitted while other threads append.
            this.ownTransaction = new TransactionTemplate(transactions);
            this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        }
    }

    public void record(AuditAction action, String actor, String target, String detail, String clientAddress) {
        String id = UUID.randomUUID().toString();
        long at = clock.millis();
        String storedActor = truncate(actor, 64);
        String storedTarget = truncate(target, 255);
        String storedDetail = truncate(detail, MAX_DETAIL);
        String storedAddress = truncate(clientAddress, 64);
        appending.lock();
        try {
            for (int attempt = 1;; attempt++) {
                try {
                    Runnable append = () -> append(id, at, storedActor, action, storedTarget, storedDetail,
                            storedAddress);
                    if (ownTransaction == null) {
                        append.run();
                    }
                    else {
                        ownTransaction.executeWithoutResult(status -> append.run());
                    }
                    return;
                }
                catch (DuplicateKeyException e) {
                    // Another server appended the same position first: read the new head, try again.
                    if (attempt == ATTEMPTS) {
                        throw e;
                    }
                }
            }
        }
        finally {
            appending.unlock();
        }
    }

    private void append(String id, long at, String actor, AuditAction action, String target, String detail,
            String address) {
        record Head(long seq, String hash) {
        }
        Head head = jdbc.sql("SELECT seq, entry_hash FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)")
                .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("entry_hash"))).optional()
                .orElse(new Head(0, AuditChain.GENESIS));
        long seq = head.seq() + 1;
        String hash = AuditChain.hash(seq, at, actor, action.name(), target, detail, address, head.hash());
        jdbc.sql("""
                INSERT INTO audit_log (id, occurred_at, actor, action, target, detail, client_address, seq, prev_hash,
                                       entry_hash)
                VALUES (:id, :at, :actor, :action, :target, :detail, :address, :seq, :prev, :hash)
                """)
                .param("id", id).param("at", at).param("actor", actor).param("action", action.name())
                .param("target", target).param("detail", detail).param("address", address).param("seq", seq)
                .param("prev", head.hash()).param("hash", hash)
                .update();
    }

    public List<AuditEntry> recent(int limit) {
        return find(AuditFilter.ALL, null, limit).items();
    }

    /** One page of entries, newest first; {@code afterSeq} is the previous page's {@code next}. */
    public AuditPage find(AuditFilter filter, Long afterSeq, int limit) {
        Map<String, Object> params = new LinkedHashMap<>();
        List<String> clauses = filter.clauses(params);
        if (afterSeq != null) {
            clauses.add("seq < :afterSeq");
            params.put("afterSeq", afterSeq);
        }
        params.put("limit", limit + 1);
        List<AuditEntry> rows = new ArrayList<>(jdbc.sql("SELECT " + COLUMNS + " FROM audit_log" + where(clauses)
                + " ORDER BY seq DESC LIMIT :limit").params(params).query(AuditLog::map).list());
        Long next = null;
        if (rows.size() > limit) {
            rows = new ArrayList<>(rows.subList(0, limit));
            next = rows.get(limit - 1).seq();
        }
        return new AuditPage(rows, next);
    }

    /** Every entry matching the filter, newest first, a page at a time (CSV export). */
    public void forEach(AuditFilter filter, int max, Consumer<AuditEntry> action) {
        Long after = null;
        int seen = 0;
        do {
            AuditPage page = find(filter, after, 1_000);
            for (AuditEntry entry : page.items()) {
                if (seen++ >= max) {
                    return;
                }
                action.accept(entry);
            }
            after = page.next();
        }
        while (after != null);
    }

    /** Entries about any of these targets (a call and its recording), newest first. */
    public List<AuditEntry> about(Collection<String> targets, int limit) {
        if (targets.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM audit_log WHERE target IN (:targets) ORDER BY seq DESC LIMIT :limit")
                .param("targets", targets).param("limit", limit).query(AuditLog::map).list();
    }

    static AuditEntry map(ResultSet rs, int row) throws SQLException {
        long seq = rs.getLong("seq");
        boolean unchained = rs.wasNull();
        return new AuditEntry(rs.getString("id"), Instant.ofEpochMilli(rs.getLong("occurred_at")), rs.getString("actor"),
                AuditAction.valueOf(rs.getString("action")), rs.getString("target"), rs.getString("detail"),
                rs.getString("client_address"), unchained ? null : seq, rs.getString("prev_hash"),
                rs.getString("entry_hash"));
    }

    /** The most recent entry of one kind, if any. */
    public Optional<AuditEntry> latest(AuditAction action) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM audit_log WHERE action = :action"
                + " ORDER BY occurred_at DESC, id DESC LIMIT 1")
                .param("action", action.name()).query(AuditLog::map).optional();
    }

    public long count(AuditAction action) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = :action")
                .param("action", action.name()).query(Long.class).single();
    }

    private static String where(List<String> clauses) {
        return clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses);
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
