package org.callvault.recording;

import java.util.Locale;
import java.util.Set;

/**
 * One retention rule: calls matching every criterion given (a null criterion matches anything)
 * keep their recording {@code days} days ({@code 0}: for ever). Rules are tried in order and the
 * first that matches decides; a call that matches none gets the default.
 *
 * @param source  how the call came in: {@code browser}, {@code sip} or {@code siprec}
 * @param outcome the call's final state, lower-case: {@code ended} (answered), {@code missed},
 *                {@code rejected}, {@code cancelled}, {@code failed}
 * @param tag     a tag of the call (the {@code call_tags} table, when the server has call tags)
 */
public record RetentionRule(String source, String outcome, String tag, int days) {

    public static final int MAX_DAYS = 36_500;
    static final Set<String> SOURCES = Set.of("browser", "sip", "siprec");
    static final Set<String> OUTCOMES = Set.of("ended", "missed", "rejected", "cancelled", "failed");

    /** The rule with its criteria normalised, or a clear refusal. */
    public RetentionRule validated() {
        String s = blankToNull(source);
        String o = blankToNull(outcome);
        String t = blankToNull(tag);
        if (s != null && !SOURCES.contains(s.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("A rule's source is browser, sip or siprec, not '" + s + "'");
        }
        if (o != null && !OUTCOMES.contains(o.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(
                    "A rule's outcome is ended, missed, rejected, cancelled or failed, not '" + o + "'");
        }
        if (t != null && (t.length() > 64 || t.codePoints().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException("A rule's tag has at most 64 characters and no control characters");
        }
        if (s == null && o == null && t == null) {
            throw new IllegalArgumentException("A rule needs a source, an outcome or a tag (the default covers the rest)");
        }
        validDays(days, "A rule's days");
        return new RetentionRule(s == null ? null : s.toLowerCase(Locale.ROOT),
                o == null ? null : o.toLowerCase(Locale.ROOT), t, days);
    }

    static void validDays(int days, String what) {
        if (days < 0 || days > MAX_DAYS) {
            throw new IllegalArgumentException(what + " must be between 0 (keep for ever) and " + MAX_DAYS);
        }
    }

    /** For the audit log and the page: {@code sip, missed, any tag: 7 days}. */
    public String describe() {
        return (source == null ? "any source" : source) + ", " + (outcome == null ? "any outcome" : outcome) + ", "
                + (tag == null ? "any tag" : "tag " + tag) + ": " + (days == 0 ? "keep" : days + " days");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
