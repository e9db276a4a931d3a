package org.callvault.recording;

import java.time.Instant;
import java.util.List;

/**
 * The retention rules in force.
 *
 * @param defaultDays   days for a call no rule matches ({@code 0}: for ever)
 * @param rules         tried in order; the first match decides
 */
public record RetentionSettings(int defaultDays, List<RetentionRule> rules, Instant changedAt,
        String changedBy) {

    /** Whether a run can delete anything at all. */
    public boolean deletesAnything() {
        return defaultDays > 0 || rules.stream().anyMatch(rule -> rule.days() > 0);
    }
}
