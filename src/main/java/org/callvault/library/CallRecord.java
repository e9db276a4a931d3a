package org.callvault.library;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.callvault.call.DtmfDigit;
import org.callvault.recording.LegalHold;
import org.callvault.call.RecordingSessionFacts;

import com.fasterxml.jackson.annotation.JsonProperty;

import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.util.StdConverter;

/**
 * One line of the call history, with its recording when there is one. States, end reasons and
 * {@code hold} is the call's legal hold, or null. States, end reasons and
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
        String outcomeCode, LegalHold hold, String agentName) {

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

    /**
     * Who is on which channel of the recording, for the player and the API ({@code channels}): a
     * SIPREC recording's participants on the channels of the streams they send (as the metadata
     * says; a participant it ties to no recorded stream is not listed), a carried call's stereo
     * recording the caller left and the agent right. A mono mix of a carried call lists none.
     */
    @JsonProperty("channels")
    public List<Channel> channels() {
        if (recording == null) {
            return List.of();
        }
        int count = recording.channels();
        if (session != null) {
            return session.participants().stream()
                    .filter(p -> p.channel() != null && p.channel() >= 0 && p.channel() < count)
                    .sorted(java.util.Comparator.comparing(RecordingSessionFacts.Participant::channel))
                    .map(p -> new Channel(p.channel(), Channel.side(p.channel(), count), participantLabel(p)))
                    .toList();
        }
        if (count == 2) {
            String caller = present(callerName) ? callerName : present(callerNumber) ? callerNumber : "Caller";
            return List.of(new Channel(0, "left", caller), new Channel(1, "right", present(agent) ? agent : "Agent"));
        }
        return List.of();
    }

    /**
     * One channel of the recording and who is on it.
     *
     * @param index       0-based channel index in the file
     * @param side        {@code left} or {@code right} in a stereo file, {@code mono} in a mono one,
     *                    {@code channel N} beyond two
     * @param participant the participant's name (else its address of record)
     */
    public record Channel(int index, String side, String participant) {

        static String side(int index, int channels) {
            return channels == 1 ? "mono" : index == 0 ? "left" : index == 1 && channels == 2 ? "right"
                    : "channel " + (index + 1);
        }
    }

    private static String participantLabel(RecordingSessionFacts.Participant p) {
        return present(p.name()) ? p.name() : present(p.aor()) ? p.aor() : "Participant";
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /** {@code CALLER_HANGUP} → {@code caller_hangup}. */
    static final class WireCase extends StdConverter<String, String> {

        @Override
        public String convert(String value) {
            return value.toLowerCase(Locale.ROOT);
        }
    }
}
