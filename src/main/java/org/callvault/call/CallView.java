package org.callvault.call;

import java.time.Instant;

/**
 * An immutable picture of a call at one moment: what consoles and the API show.
 * {@code recordingId} is set from the answer on (the recording's id in the REST API).
 */
public record CallView(String id, CallState state, String callerName, String callerNumber, String agent,
        Instant createdAt, Instant answeredAt, Instant endedAt, EndReason endReason, Long durationMs,
        String recordingId) {
}
