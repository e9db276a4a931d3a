package org.callvault.library;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Set;

import org.callvault.system.DateParameter;
import org.springframework.util.MultiValueMap;

/**
 * The filters of the call history, parsed and validated from request parameters. Unknown or
 * malformed values are refused with a message rather than silently ignored.
 *
 * @param from        calls that started at or after this instant
 * @param to          calls that started before this instant
 * @param caller      the caller's number starts with this (when it looks like a number), else the name
 * @param agent       answered by this user
 * @param state       in this state ({@code answered}, {@code missed}, ...)
 * @param minSeconds  answered for at least this long
 * @param maxSeconds  answered for at most this long
 * @param text        free text found in the caller's name or number
 * @param newestFirst sort order by start time
 * @param source      how the call reached CallVault: {@code browser}, {@code sip} or {@code siprec}
 * @param tag         the agent tagged it so ({@code tag=billing})
 * @param outcomeCode its outcome code ({@code outcomeCode=sale})
 */
public record CallFilter(Instant from, Instant to, String caller, String agent, String state, Long minSeconds,
        Long maxSeconds, String text, boolean newestFirst, String source, String tag, String outcomeCode) {

    public static final CallFilter ALL = new CallFilter(null, null, null, null, null, null, null, null, true, null);

    /** The filter without annotations. */
    public CallFilter(Instant from, Instant to, String caller, String agent, String state, Long minSeconds,
            Long maxSeconds, String text, boolean newestFirst, String source) {
        this(from, to, caller, agent, state, minSeconds, maxSeconds, text, newestFirst, source, null, null);
    }

    private static final Set<String> SOURCES = Set.of("browser", "sip", "siprec");

    /** The filter without a source (what callers made before sources existed). */
    public CallFilter(Instant from, Instant to, String caller, String agent, String state, Long minSeconds,
            Long maxSeconds, String text, boolean newestFirst) {
        this(from, to, caller, agent, state, minSeconds, maxSeconds, text, newestFirst, null);
    }

    private static final Set<String> STATES = Set.of("RINGING", "ANSWERED", "ENDED", "CANCELLED", "REJECTED",
            "MISSED", "FAILED");

    public static CallFilter from(MultiValueMap<String, String> params, ZoneId zone) {
        String state = blankToNull(params.getFirst("state"));
        if (state != null) {
            state = state.toUpperCase(Locale.ROOT);
            if (!STATES.contains(state)) {
                throw new IllegalArgumentException("Unknown state '" + params.getFirst("state") + "'");
            }
        }
        String sort = blankToNull(params.getFirst("sort"));
        if (sort != null && !sort.equals("newest") && !sort.equals("oldest")) {
            throw new IllegalArgumentException("sort must be 'newest' or 'oldest'");
        }
        String source = blankToNull(params.getFirst("source"));
        if (source != null && !SOURCES.contains(source)) {
            throw new IllegalArgumentException("source must be browser, sip or siprec, not '" + source + "'");
        }
        String tag = blankToNull(params.getFirst("tag"));
        if (tag != null && !CallAnnotations.TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("tag must be 1 to 32 of a-z, 0-9 and '-'");
        }
        String outcome = blankToNull(params.getFirst("outcomeCode"));
        if (outcome != null && !CallAnnotations.TAG.matcher(outcome).matches()) {
            throw new IllegalArgumentException("outcomeCode must be 1 to 32 of a-z, 0-9 and '-'");
        }
        Long min = seconds(params.getFirst("minSeconds"), "minSeconds");
        Long max = seconds(params.getFirst("maxSeconds"), "maxSeconds");
        if (min != null && max != null && min > max) {
            throw new IllegalArgumentException("minSeconds is larger than maxSeconds");
        }
        return new CallFilter(day(params.getFirst("from"), zone, false), day(params.getFirst("to"), zone, true),
                limited(params.getFirst("caller"), "caller", 100), limited(params.getFirst("agent"), "agent", 64), state,
                min, max, limited(params.getFirst("q"), "q", 100), !"oldest".equals(sort), source, tag, outcome);
    }

    /** A date ({@code 2026-11-24}, the whole day in the server's zone) or an ISO instant. */
    private static Instant day(String value, ZoneId zone, boolean endOfDay) {
        return DateParameter.parse(value, zone, endOfDay);
    }

    private static Long seconds(String value, String name) {
        value = blankToNull(value);
        if (value == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value);
            if (seconds < 0 || seconds > 366L * 24 * 3600) {
                throw new IllegalArgumentException(name + " must be between 0 and a year");
            }
            return seconds;
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number of seconds");
        }
    }

    private static String limited(String value, String name, int max) {
        value = blankToNull(value);
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException(name + " may have at most " + max + " characters");
        }
        return value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
