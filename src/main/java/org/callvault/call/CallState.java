package org.callvault.call;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A call's life: {@code RINGING → ANSWERED → ENDED}, or from RINGING one of CANCELLED (the caller
 * hung up), REJECTED (an agent declined), MISSED (nobody answered in time) or FAILED (a leg vanished
 * or an error). The allowed moves are listed here and nowhere else.
 */
public enum CallState {
    RINGING,
    ANSWERED,
    ENDED,
    CANCELLED,
    REJECTED,
    MISSED,
    FAILED;

    private Set<CallState> next;

    static {
        RINGING.next = EnumSet.of(ANSWERED, CANCELLED, REJECTED, MISSED, FAILED);
        ANSWERED.next = EnumSet.of(ENDED);
        for (CallState terminal : EnumSet.range(ENDED, FAILED)) {
            terminal.next = EnumSet.noneOf(CallState.class);
        }
    }

    public boolean canMoveTo(CallState target) {
        return next.contains(target);
    }

    public boolean isTerminal() {
        return next.isEmpty();
    }

    public boolean isLive() {
        return this == RINGING || this == ANSWERED;
    }

    /** The name used on the wire and in the UI ({@code ringing}, {@code answered}, ...). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
