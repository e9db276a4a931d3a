package org.callvault.media;

/** Receives every frame a bridge carries, e.g. the recorder. Must not block. */
public interface AudioSink {

    /**
     * @param track        0 for the caller, 1 for the agent
     * @param frame        a validated media frame (header + PCM16); never modified afterwards
     * @param arrivalNanos {@link System#nanoTime()} when it arrived
     */
    void audio(int track, byte[] frame, long arrivalNanos);

    /**
     * How many packets a leg's transport has lost so far before they reached the server (RTP
     * sequence gaps on a SIP leg; a WebSocket loses none). A running total, not an increment.
     */
    default void transportLoss(int track, long packetsLostSoFar) {
    }

    /**
     * Whether this sink wants {@code track}'s audio as the call's PCM. {@code false}: it takes an
     * Opus talker's frames as they came ({@link org.callvault.media.codec.OpusWire}: a recording
     * that stores the talkers' own packets), so the talker's edge need not decode for it.
     */
    default boolean needsPcm(int track) {
        return true;
    }

    /** A leg's channel was (re)attached; its media timestamps may start over. */
    default void legAttached(int track) {
    }

    AudioSink NONE = (track, frame, arrivalNanos) -> {
    };
}
