package org.callvault.recording;

import java.util.concurrent.CompletableFuture;

/**
 * One part file of a call's recording on the recorder thread, as {@link RecordingParts} drives it:
 * the call's two legs in, placed by media timestamp on a timeline driven by the server clock, one
 * file out. {@link CallRecorder} takes PCM (any file format); {@link OpusPacketRecorder} stores
 * Opus talkers' own packets. Times are samples of the call's format since the part began.
 * Not thread-safe: the recorder thread owns it.
 */
interface PartRecorder {

    /** Places a PCM frame of one leg (0 caller, 1 agent). */
    void accept(int track, long mediaTimestamp, short[] samples, int offset, int length, long nowSample);

    /** Whether {@link #acceptOpus} takes Opus frames; a PCM recorder never asked the talkers for them. */
    default boolean takesOpus() {
        return false;
    }

    /** Places an Opus frame (header and one 20 ms packet, timestamp at 48 kHz) of one leg. */
    default void acceptOpus(int track, byte[] frame, long nowSample) {
        throw new UnsupportedOperationException("This recording takes PCM");
    }

    /** A leg's media channel was (re)attached: its next frame sets its place on the timeline. */
    void reanchor(int track);

    /** Writes what the jitter window and the late-audio hold no longer need to keep open. */
    void advance(long nowSample);

    /** Ends the part with exactly {@code endSample} samples of the call's format and finishes its file. */
    RecordingResult finish(long endSample);

    RecordingResult progress();

    /** Gives pooled buffers back; the recorder takes no more audio afterwards. */
    void releaseRings();

    /** Closes the file as it stands after a failed write: its format's repair then makes it playable. */
    void abandon();

    /** Completes when the file is closed: {@code true} when it holds everything written. */
    CompletableFuture<Boolean> completion();
}
