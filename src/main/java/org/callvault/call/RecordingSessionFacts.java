package org.callvault.call;

import java.util.List;

/**
 * What a recording client (SIPREC) told about the session it forks to CallVault: its ids, its
 * address, who takes part and which stream each sends, and the metadata body as it came (kept for
 * audit even when it could not be understood: {@code metadataParsed} false, {@code metadataProblem}
 * says why).
 *
 * @param streamLabels the recorded streams' labels in channel order (left, right)
 */
public record RecordingSessionFacts(String sessionId, String sipCallId, String srcAddress,
        List<Participant> participants, List<String> streamLabels, boolean metadataParsed, String metadataProblem,
        String metadata) {

    /** Longest metadata body kept; SIPREC clients send a few kilobytes. */
    public static final int MAX_METADATA_CHARS = 64 * 1024;

    public RecordingSessionFacts {
        participants = List.copyOf(participants);
        streamLabels = List.copyOf(streamLabels);
        if (metadata != null && metadata.length() > MAX_METADATA_CHARS) {
            metadata = metadata.substring(0, MAX_METADATA_CHARS);
        }
    }

    /**
     * One party of the recorded call.
     *
     * @param sends   the labels of the streams this participant sends
     * @param channel the recording's channel this participant's stream is on (0 left, 1 right), or
     *                null when the metadata ties it to no recorded stream (and in rows stored before
     *                the channel was kept)
     */
    public record Participant(String name, String aor, List<String> sends, Integer channel) {

        public Participant {
            sends = List.copyOf(sends);
        }

        /** A participant on no known channel. */
        public Participant(String name, String aor, List<String> sends) {
            this(name, aor, sends, null);
        }
    }
}
