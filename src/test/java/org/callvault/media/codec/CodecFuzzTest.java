package org.callvault.media.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Whatever a peer sends as a payload (RTP carries anything), the decoders return audio within
 * their stated bounds or refuse it with {@link IllegalArgumentException}: never another exception,
 * never more samples than {@link AudioDecoder#maxSamples}. Seeded, so a failure repeats.
 */
class CodecFuzzTest {

    /** A few seconds on this machine: G.722 decodes every byte, Opus runs its whole decoder per packet. */
    private static final int G722_PAYLOADS = 2_000;
    private static final int OPUS_PAYLOADS = 3_000;

    @Test
    void g722DecodesAnyBytesWithinBounds() {
        AudioDecoder decoder = AudioCodec.G722.newDecoder();
        Random random = new Random(722);
        short[] out = new short[2 * 1_500];
        for (int i = 0; i < G722_PAYLOADS; i++) {
            byte[] payload = new byte[random.nextInt(1, 1_500)];
            random.nextBytes(payload);
            assertThat(decoder.decode(payload, 0, payload.length, out, 0)).isEqualTo(2 * payload.length)
                    .isLessThanOrEqualTo(decoder.maxSamples(payload.length));
        }
    }

    @Test
    void opusRefusesOrDecodesAnyBytesWithinBoundsInBothLibraries() {
        for (OpusCodec.Implementation implementation : OpusCodec.Implementation.values()) {
            AudioDecoder decoder = OpusCodec.newDecoder(implementation);
            Random random = new Random(6716);
            short[] out = new short[OpusCodec.MAX_FRAME_SAMPLES];
            int decoded = 0;
            int refused = 0;
            try {
                for (int i = 0; i < OPUS_PAYLOADS; i++) {
                    // Mostly small packets, as Opus's are; some over the largest a peer may send.
                    byte[] payload = new byte[random.nextInt(10) == 0 ? random.nextInt(1, 4_000) : random.nextInt(1, 200)];
                    random.nextBytes(payload);
                    try {
                        int samples = decoder.decode(payload, 0, payload.length, out, 0);
                        assertThat(samples).isBetween(0, decoder.maxSamples(payload.length));
                        decoded++;
                    }
                    catch (IllegalArgumentException e) {
                        refused++;
                    }
                    catch (RuntimeException e) {
                        fail(implementation + ": payload " + i + " threw " + e);
                    }
                }
            }
            finally {
                OpusCodec.release(decoder);
            }
            assertThat(decoded).as(implementation + " decoded").isPositive();
            assertThat(refused).as(implementation + " refused").isPositive();
        }
    }
}
