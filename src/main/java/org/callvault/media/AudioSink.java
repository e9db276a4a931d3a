package org.callvault.media;

/** Receives every frame a bridge carries, e.g. the recorder. Must not block. */
public interface AudioSink {

    /**
     * @param track        0 for the caller, 1 for the agent
     * @param frame        a validated media frame (header + PCM16); never modified afterwards
     * @param arrivalNanos {@link System#nanoTime()} when it arrived
     */
    void audio(int track, byte[] frame, long arrivalNanos);

    /** A leg's channel was (re)attached; its media timestamps may start over. */
    default void legAttached(int track) {
    }

    AudioSink NONE = (track, frame, arrivalNanos) -> {
    };
}
