package org.callvault.call;

import java.util.Locale;

/** Who or what ended a call; stored with the call and sent as {@code endReason}. */
public enum EndReason {
    CALLER_HANGUP,
    AGENT_HANGUP,
    DECLINED,
    RING_TIMEOUT,
    /** Nobody was available to ring when the call came (setting {@code when-nobody-available: miss}). */
    NO_AGENT_AVAILABLE,
    CALLER_LOST,
    AGENT_LOST,
    SERVER_SHUTDOWN,
    SERVER_RESTART,
    /**
     * The node that carried the call was lost (killed, crashed, cut off from the others): said by the
     * surviving nodes to their consoles, and stored when that node starts again (docs/ARCHITECTURE.md,
     * "Losing a node").
     */
    SERVER_LOST,
    /** A recording session (SIPREC) ended by its recording client (BYE). */
    SESSION_ENDED,
    /** A recording session whose media stopped arriving for longer than the media timeout. */
    MEDIA_TIMEOUT,
    ERROR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
