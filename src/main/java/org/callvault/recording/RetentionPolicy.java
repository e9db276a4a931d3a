package org.callvault.recording;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditEntry;
import org.callvault.audit.AuditLog;
import org.callvault.system.CallVaultProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Deletes recordings by the retention rules ({@link RetentionRules}: a default number of days and
 * rules by source, outcome and tag), on a schedule and on demand; a dry run lists what a run
 * would delete. Calls on legal hold are never deleted. Every run is audit-logged with what it
 * removed.
 */
@Service
public class RetentionPolicy {

    private static final Logger log = LoggerFactory.getLogger(RetentionPolicy.class);
    private static final int BATCH = 500;
    private static final Pattern AUDIT_DETAIL = Pattern.compile("days=(\\d+), deleted=(\\d+), failed=(\\d+)(, .*)?");

    private final CallVaultProperties.Retention settings;
    private final RetentionRules rules;
    private final RetentionCandidates candidates;
    private final RecordingDeletion deletion;
    private final AuditLog audit;
    private final Clock clock;
    private volatile RunResult lastRun;
    private volatile boolean lastRunLoaded;

    RetentionPolicy(CallVaultProperties properties, RetentionRules rules, RetentionCandidates candidates,
            RecordingDeletion deletion, AuditLog audit, Clock clock) {
        this.settings = properties.retention();
        this.rules = rules;
        this.candidates = candidates;
        this.deletion = deletion;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * @param days   the default days of the rules that ran (0: the default keeps for ever)
     * @param cutoff what the default deleted before (null when it keeps for ever)
     * @param held   recordings a hold placed during the run kept (held calls are not even listed)
     */
    public record RunResult(Instant at, int days, Instant cutoff, int deleted, int failed, String actor, int held) {
    }

    /** What a run would delete now: the first {@code items}, and how many in all. */
    public record DryRun(Instant at, RetentionSettings rules, long total, List<RetentionCandidates.Candidate> items) {
    }

    public CallVaultProperties.Retention settings() {
        return settings;
    }

    public RetentionRules rules() {
        return rules;
    }

    /**
     * The last run, from this process or, after a restart, from the audit log (the durable record
     * of every run).
     */
    public RunResult lastRun() {
        if (!lastRunLoaded) {
            // Once per process: the dashboard asks every few seconds.
            synchronized (this) {
                if (lastRun == null) {
                    lastRun = audit.latest(AuditAction.RETENTION_RUN).map(RetentionPolicy::fromAudit).orElse(null);
                }
                lastRunLoaded = true;
            }
        }
        return lastRun;
    }

    private static RunResult fromAudit(AuditEntry entry) {
        Matcher counts = AUDIT_DETAIL.matcher(entry.detail() == null ? "" : entry.detail());
        if (!counts.matches()) {
            return new RunResult(entry.occurredAt(), 0, null, 0, 0, entry.actor(), 0);
        }
        int days = Integer.parseInt(counts.group(1));
        return new RunResult(entry.occurredAt(), days,
                days > 0 ? entry.occurredAt().minus(Duration.ofDays(days)) : null, Integer.parseInt(counts.group(2)),
                Integer.parseInt(counts.group(3)), entry.actor(), 0);
    }

    private void audited(RunResult result, RetentionSettings applied) {
        audit.record(AuditAction.RETENTION_RUN, result.actor(),
                result.cutoff() == null ? "retention by rules" : "recordings before " + result.cutoff(),
                "days=" + result.days() + ", deleted=" + result.deleted() + ", failed=" + result.failed()
                        + ", held=" + result.held() + ", " + RetentionRules.describe(applied),
                null);
        lastRun = result;
    }

    @Scheduled(cron = "${callvault.retention.cron:0 30 3 * * *}")
    @SchedulerLock(name = "retention", lockAtLeastFor = "${callvault.jobs.lock-at-least-for:PT1M}")
    void scheduled() {
        if (rules.current().deletesAnything()) {
            run("retention-schedule");
        }
    }

    /** Runs the rules now (nothing is deleted while the default and every rule keep for ever). */
    public RunResult run(String actor) {
        return run(actor, rules.current());
    }

    /** Runs once with one number of days for every call instead of the rules (holds still win). */
    public RunResult run(String actor, int days) {
        return run(actor, new RetentionSettings(days, List.of(), clock.instant(), actor));
    }

    public DryRun dryRun(int limit) {
        RetentionSettings current = rules.current();
        Instant now = clock.instant();
        long total = 0;
        List<RetentionCandidates.Candidate> items = new ArrayList<>();
        for (RetentionCandidates.Selector selector : RetentionCandidates.selectors(current)) {
            if (selector.days() == 0) {
                continue;
            }
            total += candidates.count(current, selector, now);
            if (items.size() < limit) {
                items.addAll(candidates.find(current, selector, now, limit - items.size()));
            }
        }
        return new DryRun(now, current, total, items);
    }

    private synchronized RunResult run(String actor, RetentionSettings applied) {
        Instant now = clock.instant();
        int deleted = 0;
        int failed = 0;
        int held = 0;
        for (RetentionCandidates.Selector selector : RetentionCandidates.selectors(applied)) {
            if (selector.days() == 0) {
                continue;
            }
            String reason = selector.rule() == 0 ? "retention " + selector.days() + " days"
                    : "retention rule " + selector.rule() + ", " + selector.days() + " days";
            while (true) {
                var batch = candidates.find(applied, selector, now, BATCH);
                int progress = 0;
                for (var candidate : batch) {
                    switch (deletion.delete(candidate.recordingId(), actor, reason)) {
                        case DELETED, DELETED_FILE_WAS_MISSING -> {
                            deleted++;
                            progress++;
                        }
                        case HELD -> held++;
                        default -> failed++;
                    }
                }
                if (batch.size() < BATCH || progress == 0) {
                    break;
                }
            }
        }
        log.info("Retention ({}): {} recordings deleted, {} failed, {} held", RetentionRules.describe(applied),
                deleted, failed, held);
        int days = applied.defaultDays();
        RunResult result = new RunResult(now, days, days > 0 ? now.minus(Duration.ofDays(days)) : null, deleted,
                failed, actor, held);
        audited(result, applied);
        return result;
    }
}
