package org.callvault.media;

/**
 * Where a leg's outbound audio goes: a WebSocket today, an RTP socket later. {@code offer} must
 * never block; a sink that cannot keep up drops its own oldest frames and counts them.
 */
public interface FrameSink {

    void offer(byte[] frame);

    /**
     * A frame in two forms: as its talker sent it ({@code wire}, e.g. Opus) and as the call's
     * canonical PCM ({@code pcm}, the same array when the talker sent PCM). A sink takes the form
     * it can carry without work: PCM sinks take {@code pcm}, an Opus sink relays an Opus
     * {@code wire} byte for byte.
     */
    default void offer(byte[] wire, byte[] pcm) {
        offer(pcm);
    }

    /**
     * Whether this sink relays an Opus frame as it is ({@link #offer(byte[], byte[])} needs no PCM
     * for it): a talker speaking Opus then decodes only if the recorder wants PCM.
     */
    default boolean takesOpus() {
        return false;
    }

    /** The call is over: flush what is queued and close the channel. */
    void close();
}
