package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;

import org.callvault.audit.AuditLog;
import org.callvault.support.IntegrationTest;
import org.callvault.system.CallVaultProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The dashboard's "last run" survives a restart: it comes from the audit log. */
class RetentionLastRunIT extends IntegrationTest {

    @Autowired
    RetentionPolicy retention;

    @Autowired
    CallVaultProperties properties;

    @Autowired
    RetentionRules rules;

    @Autowired
    RetentionCandidates candidates;

    @Autowired
    RecordingDeletion deletion;

    @Autowired
    AuditLog audit;

    @Test
    void aFreshPolicyReadsTheLastRunFromTheAuditLog() {
        RetentionPolicy.RunResult run = retention.run("it-admin", 36_500);

        // What a restarted server sees: a new policy object with nothing in memory.
        RetentionPolicy afterRestart = new RetentionPolicy(properties, rules, candidates, deletion, audit,
                Clock.systemUTC());
        RetentionPolicy.RunResult last = afterRestart.lastRun();

        assertThat(last).isNotNull();
        assertThat(last.actor()).isEqualTo("it-admin");
        assertThat(last.days()).isEqualTo(36_500);
        assertThat(last.deleted()).isEqualTo(run.deleted());
        assertThat(last.failed()).isZero();
        // audited when the run finished, a moment after it started
        assertThat(last.at()).isBetween(run.at().minusMillis(1), java.time.Instant.now());
    }
}
