package org.callvault.media.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.callvault.media.ToneDetector;
import org.callvault.media.ToneGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OpusCodecTest {

    /** Both libraries: a 1 kHz tone at 32 kbit/s keeps its frequency and level (issue 18 point 5). */
    @ParameterizedTest
    @EnumSource(OpusCodec.Implementation.class)
    void aToneSurvivesTheRoundTrip(OpusCodec.Implementation implementation) {
        requireAvailable(implementation);
        AudioEncoder encoder = OpusCodec.newEncoder(implementation, 32_000);
        AudioDecoder decoder = OpusCodec.newDecoder(implementation);
        try {
            short[] decoded = roundTrip(encoder, decoder, new ToneGenerator(48_000, 1_000, 10_000).generate(0, 48_000));

            short[] tone = new ToneGenerator(48_000, 1_000, 10_000).generate(0, 48_000);
            int from = 9_600;
            int length = 48_000 - from;
            assertThat(ToneDetector.relativePower(decoded, from, length, 1_000, 48_000)).isGreaterThan(0.95);
            double level = 20 * Math.log10(ToneDetector.rms(decoded, from, length) / ToneDetector.rms(tone, from, length));
            assertThat(Math.abs(level)).isLessThan(1.0);
        }
        finally {
            OpusCodec.release(encoder);
            OpusCodec.release(decoder);
        }
    }

    /** What one library encodes the other decodes: the SIPREC client may use libopus, we Concentus. */
    @Test
    void theTwoLibrariesUnderstandEachOther() {
        requireAvailable(OpusCodec.Implementation.NATIVE);
        AudioEncoder encoder = OpusCodec.newEncoder(OpusCodec.Implementation.NATIVE, 32_000);
        AudioDecoder decoder = OpusCodec.newDecoder(OpusCodec.Implementation.JAVA);
        try {
            short[] decoded = roundTrip(encoder, decoder, new ToneGenerator(48_000, 6_000, 8_000).generate(0, 48_000));
            assertThat(ToneDetector.relativePower(decoded, 9_600, 38_400, 6_000, 48_000)).isGreaterThan(0.9);
        }
        finally {
            OpusCodec.release(encoder);
        }
    }

    @ParameterizedTest
    @EnumSource(OpusCodec.Implementation.class)
    void aCorruptPacketIsRefusedNotACrash(OpusCodec.Implementation implementation) {
        requireAvailable(implementation);
        AudioDecoder decoder = OpusCodec.newDecoder(implementation);
        try {
            // TOC code 3 (arbitrary frame count) with a frame count byte of 0: invalid (RFC 6716 §3.2.5)
            byte[] corrupt = { (byte) 0x03, 0x00 };
            assertThatThrownBy(() -> decoder.decode(corrupt, 0, corrupt.length, new short[5_760], 0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        finally {
            OpusCodec.release(decoder);
        }
    }

    @Test
    void settingsAreChecked() {
        assertThat(OpusCodec.choose("java")).isEqualTo(OpusCodec.Implementation.JAVA);
        assertThat(OpusCodec.choose(" AUTO ")).isEqualTo(LibOpus.AVAILABLE ? OpusCodec.Implementation.NATIVE
                : OpusCodec.Implementation.JAVA);
        assertThatThrownBy(() -> OpusCodec.choose("fast")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auto, native or java");
        assertThatThrownBy(() -> OpusCodec.newEncoder(OpusCodec.Implementation.JAVA, 100))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * libopus is a Debian package (libopus0) that .ci/run installs; where it is missing the
     * fallback is what runs, and this says so rather than skipping quietly.
     */
    private static void requireAvailable(OpusCodec.Implementation implementation) {
        if (implementation == OpusCodec.Implementation.NATIVE) {
            assertThat(LibOpus.AVAILABLE).as("libopus loads (install libopus0): " + LibOpus.PROBLEM).isTrue();
        }
    }

    private static short[] roundTrip(AudioEncoder encoder, AudioDecoder decoder, short[] input) {
        short[] decoded = new short[input.length];
        byte[] packet = new byte[OpusCodec.MAX_PACKET];
        for (int offset = 0; offset < input.length; offset += 960) {
            int length = encoder.encode(input, offset, 960, packet, 0);
            assertThat(length).isBetween(1, 200); // about 80 bytes at 32 kbit/s
            int samples = decoder.decode(packet, 0, length, decoded, offset);
            assertThat(samples).isEqualTo(960);
        }
        return decoded;
    }
}
