package org.callvault.call;

import java.time.Instant;

/**
 * An immutable picture of a call at one moment: what consoles and the API show.
 * {@code recordingId} is set from the answer on (the recording's id in the REST API); {@code source}
 * is the caller's transport ({@link #BROWSER} or {@link #SIP}); {@code held} is true while the
 * caller's side has put the call on hold (a SIP re-INVITE); {@code dtmf} the keys the caller
 * pressed, on the call's timeline.
 */
public record CallView(String id, CallState state, String callerName, String callerNumber, String agent,
        Instant createdAt, Instant answeredAt, Instant endedAt, EndReason endReason, Long durationMs,
        String recordingId, String source, boolean held, java.util.List<DtmfDigit> dtmf) {

    /** The caller used the browser phone. */
    public static final String BROWSER = "browser";
    /** The caller came in over SIP (a trunk, PBX or phone). */
    public static final String SIP = "sip";
}
