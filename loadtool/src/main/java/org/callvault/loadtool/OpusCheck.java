package org.callvault.loadtool;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.netty.buffer.ByteBuf;

/**
 * The sampled content check of received Opus frames: decoding every frame would cost the tool as much
 * as the server's transcoding, so one frame in {@link #EVERY} per leg is decoded and must carry the
 * talker's tone. Frames are relayed byte for byte between two Opus legs, and every frame is compared
 * with the talker's packet byte for byte (misrouting between calls shows there); the decode proves
 * that what arrives is audio of the right tone, not merely the right bytes.
 *
 * <p>One decoder per event loop, reset before each sample.
 */
final class OpusCheck {

    /** One frame in 50 (one a second per leg) is decoded. */
    static final int EVERY = 50;
    /**
     * Share of the decoded frame's energy at the talker's frequency. A 15 ms Goertzel block tells
     * tones about 70 Hz apart, so this tells the partner's tone (300..790 Hz against 2000..2490 Hz)
     * from the leg's own, from silence and from noise; measured above 0.9 at 32 kbit/s (OpusCheckTest).
     */
    static final double MIN_SHARE = 0.5;

    /** Samples (5 ms) left out at the start of the decoded frame, see {@link #toneShare}. */
    static final int SKIP = 240;

    private final OpusDecoder decoder;
    private final short[] pcm = new short[OpusLoop.SAMPLES_PER_FRAME];
    private final byte[] payload = new byte[Frame.MAX_OPUS_PAYLOAD];

    OpusCheck() {
        try {
            decoder = new OpusDecoder(OpusLoop.SAMPLE_RATE, 1);
        } catch (OpusException e) {
            throw new IllegalStateException("no Opus decoder: " + e.getMessage(), e);
        }
    }

    /** Whether frame {@code seq} is one of the sampled ones. */
    static boolean sampled(long seq) {
        return seq % EVERY == EVERY - 1;
    }

    /**
     * Decodes the packet of {@code length} bytes at {@code offset} in {@code frame} and returns the
     * share of its energy at the talker's frequency; -1 when it does not decode to one 20 ms frame.
     */
    double toneShare(ByteBuf frame, int offset, int length, OpusLoop talker) {
        try {
            decoder.resetState();
            frame.getBytes(offset, payload, 0, length);
            // twice: the first decode fills the decoder's state (overlap, prediction) from this very
            // packet, so the second is the packet as a running stream plays it, and carries nothing
            // of any other packet (priming with the talker's previous packet would lend the talker's
            // tone to whatever arrived)
            decoder.decode(payload, 0, length, pcm, 0, OpusLoop.SAMPLES_PER_FRAME, false);
            int n = decoder.decode(payload, 0, length, pcm, 0, OpusLoop.SAMPLES_PER_FRAME, false);
            if (n != OpusLoop.SAMPLES_PER_FRAME) {
                return -1;
            }
        } catch (OpusException | RuntimeException e) {
            return -1;
        }
        // the first 5 ms hold the overlap with the first decode, out of phase: measured after it
        return Goertzel.blockRelative(pcm, SKIP, 1, OpusLoop.SAMPLES_PER_FRAME - SKIP,
                Goertzel.coefficient(talker.frequency, OpusLoop.SAMPLE_RATE));
    }
}
