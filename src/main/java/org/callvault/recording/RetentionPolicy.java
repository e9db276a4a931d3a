package org.callvault.recording;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * Deletes recordings older than the configured number of days (off by default), on a schedule and
 * on demand; every run is audit-logged with what it removed.
 */
@Service
public class RetentionPolicy {

    private static final Logger log = LoggerFactory.getLogger(RetentionPolicy.class);
    private static final int BATCH = 500;
    private static final Pattern AUDIT_DETAIL = Pattern.compile("days=(\\d+), deleted=(\\d+), failed=(\\d+)");

    private final CallVaultProperties.Retention settings;
    private final RecordingRepository repository;
    private final RecordingDeletion deletion;
    private final AuditLog audit;
    private final Clock clock;
    private volatile RunResult lastRun;
    private volatile boolean lastRunLoaded;

    RetentionPolicy(CallVaultProperties properties, RecordingRepository repository, RecordingDeletion deletion,
            AuditLog audit, Clock clock) {
        this.settings = properties.retention();
        this.repository = repository;
        this.deletion = deletion;
        this.audit = audit;
        this.clock = clock;
    }

    public record RunResult(Instant at, int days, Instant cutoff, int deleted, int failed, String actor) {
    }

    public CallVaultProperties.Retention settings() {
        return settings;
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
            return new RunResult(entry.occurredAt(), 0, null, 0, 0, entry.actor());
        }
        int days = Integer.parseInt(counts.group(1));
        return new RunResult(entry.occurredAt(), days,
                days > 0 ? entry.occurredAt().minus(Duration.ofDays(days)) : null, Integer.parseInt(counts.group(2)),
                Integer.parseInt(counts.group(3)), entry.actor());
    }

    private void audited(RunResult result) {
        audit.record(AuditAction.RETENTION_RUN, result.actor(),
                result.cutoff() == null ? "retention off" : "recordings before " + result.cutoff(),
                "days=" + result.days() + ", deleted=" + result.deleted() + ", failed=" + result.failed(), null);
        lastRun = result;
    }

    @Scheduled(cron = "${callvault.retention.cron:0 30 3 * * *}")
    @SchedulerLock(name = "retention", lockAtLeastFor = "${callvault.jobs.lock-at-least-for:PT1M}")
    void scheduled() {
        if (settings.enabled()) {
            run("retention-schedule");
        }
    }

    /** Runs the policy now with the configured number of days (nothing when retention is off). */
    public RunResult run(String actor) {
        return run(actor, settings.days());
    }

    public synchronized RunResult run(String actor, int days) {
        Instant now = clock.instant();
        if (days <= 0) {
            RunResult result = new RunResult(now, 0, null, 0, 0, actor);
            audited(result);
            return result;
        }
        Instant cutoff = now.minus(Duration.ofDays(days));
        int deleted = 0;
        int failed = 0;
        while (true) {
            var batch = repository.findFinishedBefore(cutoff.toEpochMilli(), BATCH);
            int before = deleted;
            for (String id : batch) {
                var outcome = deletion.delete(id, actor, "retention " + days + " days");
                if (outcome == RecordingDeletion.Outcome.DELETED
                        || outcome == RecordingDeletion.Outcome.DELETED_FILE_WAS_MISSING) {
                    deleted++;
                }
                else {
                    failed++;
                }
            }
            if (batch.size() < BATCH || deleted == before) {
                break;
            }
        }
        log.info("Retention ({} days): {} recordings deleted, {} failed", days, deleted, failed);
        RunResult result = new RunResult(now, days, cutoff, deleted, failed, actor);
        audited(result);
        return result;
    }
}
