package org.callvault.library;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.callvault.call.DtmfDigit;

import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.util.StdConverter;

/**
 * One line of the call history, with its recording when there is one. States, end reasons and
 * recording statuses are upper-case here (as stored, and as the pages compare them) and lower-case
 * in JSON, the same words as on the WebSockets (docs/protocol.md). {@code notes}, {@code tags} and
 * {@code outcomeCode} are what the agent wrote about the call ({@link CallAnnotations}). {@code agent}
 * is the agent's user name as the call keeps it; {@code agentName} the name shown to people (their
 * display name, or the user name when they have none or were deleted).
 */
public record CallRecord(String id, @JsonSerialize(converter = WireCase.class) String state, String callerName,
        String callerNumber, String agent, Instant createdAt, Instant answeredAt, Instant endedAt,
        @JsonSerialize(converter = WireCase.class) String endReason, Long durationMs, Recording recording,
        String source, List<DtmfDigit> dtmf, RecordedSession session, String notes, List<String> tags,
        String outcomeCode, String agentName) {

    /**
     * @param partial audio of the call is missing (the disk was full for a while): the file holds
     *                what was written, with its true length
     * @param parts   files the recording was written in: 1, or more when it resumed after a full
     *                disk ({@code /audio?part=2} ...); {@code durationMs}, {@code sizeBytes} and
     *                {@code sha256} are the first part's
     * @param lostPackets packets the caller's transport lost before they reached the server (RTP
     *                sequence gaps of a SIP leg); the file holds silence there
     */
    public record Recording(String id, @JsonSerialize(converter = WireCase.class) String status, int sampleRate,
            int channels, Long durationMs, Long sizeBytes, String sha256, boolean repaired, boolean partial, int parts,
            long lostPackets) {
    }

    /** {@code CALLER_HANGUP} → {@code caller_hangup}. */
    static final class WireCase extends StdConverter<String, String> {

        @Override
        public String convert(String value) {
            return value.toLowerCase(Locale.ROOT);
        }
    }
}
