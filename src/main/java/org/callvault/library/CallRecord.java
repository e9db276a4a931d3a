package org.callvault.library;

import java.time.Instant;

/** One line of the call history, with its recording when there is one. */
public record CallRecord(String id, String state, String callerName, String callerNumber, String agent,
        Instant createdAt, Instant answeredAt, Instant endedAt, String endReason, Long durationMs, Recording recording) {

    public record Recording(String id, String status, int sampleRate, int channels, Long durationMs, Long sizeBytes,
            String sha256, boolean repaired) {
    }
}
