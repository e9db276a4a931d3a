package org.callvault.recording;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditLog;
import org.callvault.system.CallVaultProperties;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The retention rules, kept in the database so an ADMIN changes them without a restart. The
 * first read after the V19 migration stores {@code callvault.retention.days} as the default, so
 * an existing installation keeps its behaviour; from then on the database is what counts.
 */
@Service
public class RetentionRules {

    public static final int MAX_RULES = 50;

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final AuditLog audit;
    private final Clock clock;
    private final int configuredDays;

    RetentionRules(JdbcClient jdbc, PlatformTransactionManager transactions, AuditLog audit, Clock clock,
            CallVaultProperties properties) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.audit = audit;
        this.clock = clock;
        this.configuredDays = properties.retention().days();
    }

    public RetentionSettings current() {
        record Row(int days, long at, String by) {
        }
        Row row = jdbc.sql("SELECT default_days, changed_at, changed_by FROM retention_settings WHERE id = 1")
                .query((rs, n) -> new Row(rs.getInt(1), rs.getLong(2), rs.getString(3))).optional().orElse(null);
        if (row == null) {
            try {
                jdbc.sql("INSERT INTO retention_settings (id, default_days, changed_at, changed_by)"
                        + " VALUES (1, :days, :at, 'configuration')")
                        .param("days", Math.max(0, configuredDays)).param("at", clock.millis()).update();
            }
            catch (DuplicateKeyException e) {
                // another thread stored it first; read that
            }
            return current();
        }
        List<RetentionRule> rules = jdbc.sql(
                "SELECT source, outcome, tag, keep_days FROM retention_rules ORDER BY rule_order")
                .query((rs, n) -> new RetentionRule(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4)))
                .list();
        return new RetentionSettings(row.days(), rules, Instant.ofEpochMilli(row.at()), row.by());
    }

    /** Replaces the default and every rule at once; audited with what was there before. */
    public RetentionSettings replace(int defaultDays, List<RetentionRule> rules, String actor, String clientAddress) {
        RetentionRule.validDays(defaultDays, "The default days");
        if (rules == null) {
            rules = List.of();
        }
        if (rules.size() > MAX_RULES) {
            throw new IllegalArgumentException("At most " + MAX_RULES + " rules");
        }
        List<RetentionRule> valid = rules.stream().map(rule -> {
            if (rule == null) {
                throw new IllegalArgumentException("A rule may not be empty");
            }
            return rule.validated();
        }).toList();
        RetentionSettings before = current();
        transaction.executeWithoutResult(status -> {
            jdbc.sql("UPDATE retention_settings SET default_days = :days, changed_at = :at, changed_by = :by WHERE id = 1")
                    .param("days", defaultDays).param("at", clock.millis()).param("by", actor).update();
            jdbc.sql("DELETE FROM retention_rules").update();
            for (int i = 0; i < valid.size(); i++) {
                RetentionRule rule = valid.get(i);
                jdbc.sql("""
                        INSERT INTO retention_rules (id, rule_order, source, outcome, tag, keep_days)
                        VALUES (:id, :order, :source, :outcome, :tag, :days)
                        """).param("id", UUID.randomUUID().toString()).param("order", i)
                        .param("source", rule.source()).param("outcome", rule.outcome()).param("tag", rule.tag())
                        .param("days", rule.days()).update();
            }
        });
        RetentionSettings after = current();
        audit.record(AuditAction.RETENTION_RULES_CHANGED, actor, "retention rules",
                "before: " + describe(before) + "; after: " + describe(after), clientAddress);
        return after;
    }

    static String describe(RetentionSettings settings) {
        return "default " + (settings.defaultDays() == 0 ? "keep" : settings.defaultDays() + " days")
                + (settings.rules().isEmpty() ? "" : settings.rules().stream().map(RetentionRule::describe)
                        .collect(Collectors.joining(" | ", ", rules ", "")));
    }
}
