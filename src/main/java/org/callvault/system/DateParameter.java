package org.callvault.system;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** A date filter from a request: a day ({@code 2026-11-24}, in the server's zone) or an ISO instant. */
public final class DateParameter {

    private DateParameter() {
    }

    /**
     * @param endOfDay a day means its end (the start of the next day), for "to (inclusive)"
     * @return null for a missing or blank value
     */
    public static Instant parse(String value, ZoneId zone, boolean endOfDay) {
        value = value == null || value.isBlank() ? null : value.strip();
        if (value == null) {
            return null;
        }
        try {
            if (value.length() == 10) {
                LocalDate date = LocalDate.parse(value);
                return (endOfDay ? date.plusDays(1) : date).atStartOfDay(zone).toInstant();
            }
            return Instant.parse(value);
        }
        catch (DateTimeParseException e) {
            throw new IllegalArgumentException("Dates are YYYY-MM-DD or ISO-8601 instants, not '" + value + "'");
        }
    }
}
