package org.callvault.call;

import java.util.ArrayList;
import java.util.List;

/**
 * A key the caller pressed (DTMF: RFC 4733 telephone-events on a SIP leg), on the call's timeline:
 * {@code atMs} after the answer. Stored in the call's row as {@code 5@1520;9@2210}.
 */
public record DtmfDigit(char digit, long atMs) {

    /** Digits kept per call; a peer pressing keys for hours cannot grow a row without bound. */
    public static final int MAX_PER_CALL = 200;

    private static final String DIGITS = "0123456789*#ABCD";

    public DtmfDigit {
        if (DIGITS.indexOf(digit) < 0) {
            throw new IllegalArgumentException("not a DTMF digit: " + digit);
        }
        if (atMs < 0) {
            throw new IllegalArgumentException("atMs must not be negative: " + atMs);
        }
    }

    static String encode(List<DtmfDigit> digits) {
        if (digits.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder(digits.size() * 8);
        for (DtmfDigit d : digits) {
            if (!text.isEmpty()) {
                text.append(';');
            }
            text.append(d.digit).append('@').append(d.atMs);
        }
        return text.toString();
    }

    /** The digits of a stored row; a damaged entry is skipped, never fatal to reading the call. */
    public static List<DtmfDigit> decode(String stored) {
        if (stored == null || stored.isEmpty()) {
            return List.of();
        }
        List<DtmfDigit> digits = new ArrayList<>();
        for (String entry : stored.split(";")) {
            int at = entry.indexOf('@');
            try {
                if (at == 1) {
                    digits.add(new DtmfDigit(entry.charAt(0), Long.parseLong(entry.substring(2))));
                }
            }
            catch (IllegalArgumentException skipped) {
                // not written by encode(): leave it out
            }
        }
        return List.copyOf(digits);
    }
}
