package org.callvault.media;

/**
 * Where a leg's outbound audio goes: a WebSocket today, an RTP socket later. {@code offer} must
 * never block; a sink that cannot keep up drops its own oldest frames and counts them.
 */
public interface FrameSink {

    void offer(byte[] frame);

    /** The call is over: flush what is queued and close the channel. */
    void close();
}
