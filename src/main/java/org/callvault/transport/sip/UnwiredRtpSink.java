package org.callvault.transport.sip;

import org.callvault.media.FrameSink;

/**
 * The SIP leg's place on the call's bridge until the RTP relay is wired in (transport.sip.rtp):
 * the agent's audio offered to it is dropped, and it sends nothing, so the recording holds the
 * agent and silence for the SIP party. Counted, so a test can see the bridge fed it.
 */
final class UnwiredRtpSink implements FrameSink {

    private volatile long dropped;

    @Override
    public void offer(byte[] frame) {
        dropped++; // one writer (the bridge's delivering thread); read only for tests and logs
    }

    @Override
    public void close() {
    }

    long dropped() {
        return dropped;
    }
}
