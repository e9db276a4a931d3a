package org.callvault.audit;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.callvault.system.DateParameter;
import org.springframework.util.MultiValueMap;

/**
 * The filters of the audit log, validated from request parameters (a bad value is refused with a
 * message, never ignored).
 *
 * @param actor  who did it (exact user name, or {@code system})
 * @param action what was done
 * @param target what it was done to (exact: a user name, a call or recording id)
 * @param from   at or after this instant
 * @param to     before this instant
 */
public record AuditFilter(String actor, AuditAction action, String target, Instant from, Instant to) {

    public static final AuditFilter ALL = new AuditFilter(null, null, null, null, null);

    public static AuditFilter from(MultiValueMap<String, String> params, ZoneId zone) {
        AuditAction action = null;
        String actionName = blankToNull(params.getFirst("action"));
        if (actionName != null) {
            try {
                action = AuditAction.valueOf(actionName.toUpperCase(Locale.ROOT));
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Unknown action '" + actionName + "'; known: "
                        + Arrays.stream(AuditAction.values()).map(a -> a.name().toLowerCase(Locale.ROOT))
                                .collect(Collectors.joining(", ")));
            }
        }
        return new AuditFilter(limited(params.getFirst("actor"), "actor", 64), action,
                limited(params.getFirst("target"), "target", 255), day(params.getFirst("from"), zone, false),
                day(params.getFirst("to"), zone, true));
    }

    /** The WHERE clauses, with their values put in {@code params} (input only ever travels as a value). */
    List<String> clauses(Map<String, Object> params) {
        List<String> clauses = new ArrayList<>();
        if (actor != null) {
            clauses.add("actor = :actor");
            params.put("actor", actor);
        }
        if (action != null) {
            clauses.add("action = :action");
            params.put("action", action.name());
        }
        if (target != null) {
            clauses.add("target = :target");
            params.put("target", target);
        }
        if (from != null) {
            clauses.add("occurred_at >= :from");
            params.put("from", from.toEpochMilli());
        }
        if (to != null) {
            clauses.add("occurred_at < :to");
            params.put("to", to.toEpochMilli());
        }
        return clauses;
    }

    /** A date (the whole day in the server's zone) or an ISO instant. */
    private static Instant day(String value, ZoneId zone, boolean endOfDay) {
        return DateParameter.parse(value, zone, endOfDay);
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
