package org.callvault.media.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.callvault.media.ToneDetector;
import org.callvault.media.ToneGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class G722Test {

    /** FFmpeg's G.722 (test resources, codec/README.md): the same bytes from the same input. */
    @Test
    void encodesAsAnotherImplementationDoesByteForByte() throws IOException {
        short[] input = pcm(resource("g722-input.s16le"));
        byte[] expected = resource("g722-ffmpeg.g722");
        byte[] encoded = new byte[input.length / 2];

        int length = new G722Encoder().encode(input, 0, input.length, encoded, 0);

        assertThat(length).isEqualTo(expected.length);
        assertThat(encoded).isEqualTo(expected);
    }

    @Test
    void decodesAnotherImplementationsStreamSampleForSample() throws IOException {
        byte[] stream = resource("g722-ffmpeg.g722");
        short[] expected = pcm(resource("g722-ffmpeg-decoded.s16le"));
        short[] decoded = new short[2 * stream.length];
        G722Decoder decoder = new G722Decoder();

        // In 20 ms packets, as RTP brings it: the state carries across payloads.
        int written = 0;
        for (int offset = 0; offset < stream.length; offset += 160) {
            written += decoder.decode(stream, offset, Math.min(160, stream.length - offset), decoded, written);
        }

        assertThat(written).isEqualTo(expected.length);
        assertThat(decoded).isEqualTo(expected);
    }

    /** Wideband: 6 kHz is beyond G.711's 4 kHz and must come through; 1 kHz too, at its level. */
    @ParameterizedTest
    @ValueSource(ints = { 1_000, 6_000 })
    void aToneSurvivesTheRoundTrip(int frequency) {
        short[] tone = new ToneGenerator(16_000, frequency, 10_000).generate(0, 16_000);
        byte[] coded = new byte[8_000];
        short[] decoded = new short[16_000];
        G722Encoder encoder = new G722Encoder();
        G722Decoder decoder = new G722Decoder();
        for (int offset = 0; offset < tone.length; offset += 320) {
            encoder.encode(tone, offset, 320, coded, offset / 2);
            decoder.decode(coded, offset / 2, 160, decoded, offset);
        }

        // After the adaptation's first 100 ms: the tone dominates and keeps its level within 1 dB.
        int from = 1_600;
        int length = 16_000 - from;
        assertThat(ToneDetector.relativePower(decoded, from, length, frequency, 16_000)).isGreaterThan(0.95);
        double level = 20 * Math.log10(ToneDetector.rms(decoded, from, length) / ToneDetector.rms(tone, from, length));
        assertThat(Math.abs(level)).isLessThan(1.0);
        // and no tone appears where there was none
        double other = frequency == 1_000 ? 6_000 : 1_000;
        assertThat(ToneDetector.relativePower(decoded, from, length, other, 16_000)).isLessThan(0.001);
    }

    @Test
    void silenceStaysSilentAndResetStartsAfresh() {
        G722Encoder encoder = new G722Encoder();
        G722Decoder decoder = new G722Decoder();
        byte[] first = new byte[160];
        encoder.encode(new ToneGenerator(16_000, 1_000, 20_000).generate(0, 320), 0, 320, first, 0);
        short[] out = new short[320];
        decoder.decode(first, 0, 160, out, 0);
        decoder.reset();
        short[] again = new short[320];
        decoder.decode(first, 0, 160, again, 0);

        assertThat(again).isEqualTo(out);
        byte[] quiet = new byte[160];
        new G722Encoder().encode(new short[320], 0, 320, quiet, 0);
        short[] decodedQuiet = new short[320];
        new G722Decoder().decode(quiet, 0, 160, decodedQuiet, 0);
        assertThat(ToneDetector.rms(decodedQuiet, 0, 320)).isLessThan(2.0);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = G722Test.class.getResourceAsStream("/codec/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static short[] pcm(byte[] bytes) {
        short[] samples = new short[bytes.length / 2];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        return samples;
    }
}
