package org.callvault.call;

import java.time.Instant;

/**
 * An immutable picture of a call at one moment: what consoles and the API show.
 * {@code recordingId} is set from the answer on (the recording's id in the REST API); {@code source}
 * is the caller's transport ({@link #BROWSER} or {@link #SIP}).
 */
public record CallView(String id, CallState state, String callerName, String callerNumber, String agent,
        Instant createdAt, Instant answeredAt, Instant endedAt, EndReason endReason, Long durationMs,
        String recordingId, String source) {

    /** The caller used the browser phone. */
    public static final String BROWSER = "browser";
    /** The caller came in over SIP (a trunk, PBX or phone). */
    public static final String SIP = "sip";
}
