package org.callvault.library;

import java.time.Instant;

/** One line of the call history, with its recording when there is one. */
public record CallRecord(String id, String state, String callerName, String callerNumber, String agent,
        Instant createdAt, Instant answeredAt, Instant endedAt, String endReason, Long durationMs, Recording recording) {

    /**
     * @param partial audio of the call is missing (the disk was full for a while): the file holds
     *                what was written, with its true length
     * @param parts   files the recording was written in: 1, or more when it resumed after a full
     *                disk ({@code /audio?part=2} ...); {@code durationMs}, {@code sizeBytes} and
     *                {@code sha256} are the first part's
     */
    public record Recording(String id, String status, int sampleRate, int channels, Long durationMs, Long sizeBytes,
            String sha256, boolean repaired, boolean partial, int parts) {
    }
}
