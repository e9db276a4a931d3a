package org.callvault.media.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import org.callvault.media.ToneDetector;
import org.callvault.media.ToneGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Self-delimiting framing (RFC 6716 Appendix B) and the two-stream packet (RFC 7845 §5.1.1), on
 * packets from the real encoders, and checked against libopus's own multistream decoder.
 */
class OpusMultistreamTest {

    /** Every packet of every frame count code round-trips: self-delimited, found in a longer buffer, undelimited. */
    @ParameterizedTest
    @EnumSource(OpusCodec.Implementation.class)
    void packetsOfEveryCodeFromARealEncoderRoundTrip(OpusCodec.Implementation implementation) {
        requireAvailable(implementation);
        List<byte[]> packets = new ArrayList<>();
        // 20 ms at the recorder's rate: one SILK frame, code 0. Longer packets at higher rates hold
        // several CELT or hybrid frames: code 1 (equal sizes), 2 (two sizes), 3 (three or more).
        packets.addAll(encode(implementation, 15_000, 960));
        packets.addAll(encode(implementation, 96_000, 1_920));
        packets.addAll(encode(implementation, 96_000, 2_880));
        packets.addAll(encode(implementation, 128_000, 960)); // frames of 252 bytes and more: two-byte sizes
        packets.add(codeThreeWithPadding(packets.get(10)));
        int[] codes = new int[4];
        boolean twoByteSize = false;
        for (byte[] packet : packets) {
            codes[packet[0] & 3]++;
            byte[] delimited = new byte[packet.length + 2 + 7];
            Arrays.fill(delimited, (byte) 0x5A); // what follows in a multistream packet: must not be taken
            int length = OpusMultistream.selfDelimit(packet, 0, packet.length, delimited, 0);
            assertThat(length - packet.length).as("the added size").isBetween(1, 2);
            twoByteSize |= length - packet.length == 2;
            assertThat(OpusMultistream.delimitedLength(delimited, 0, delimited.length)).isEqualTo(length);
            byte[] back = new byte[OpusCodec.MAX_PACKET];
            int normal = OpusMultistream.undelimit(delimited, 0, delimited.length, back, 0);
            assertThat(Arrays.copyOf(back, normal)).isEqualTo(packet);
        }
        System.out.println(implementation + " packets by code 0..3: " + Arrays.toString(codes));
        assertThat(Arrays.stream(codes).min().orElseThrow()).as("packets of each code 0..3: " + Arrays.toString(codes)).isPositive();
        assertThat(twoByteSize).as("a frame long enough for a two-byte size").isTrue();
    }

    /** The multistream packets {@link OpusMultistream#assemble} makes, read by libopus's own parser. */
    @Test
    void libopusMultistreamDecoderReadsTheAssembledPacketsAsTheTwoMonoDecodersDo() {
        requireAvailable(OpusCodec.Implementation.NATIVE);
        Multistream lib = Native.load("opus", Multistream.class);
        IntByReference error = new IntByReference();
        Pointer reference = lib.opus_multistream_decoder_create(OpusCodec.SAMPLE_RATE, 2, 2, 0, new byte[] {0, 1}, error);
        assertThat(error.getValue()).isZero();
        List<byte[]> left = encode(OpusCodec.Implementation.NATIVE, 15_000, 960);
        List<byte[]> right = encode(OpusCodec.Implementation.NATIVE, 96_000, 960); // other sizes and modes
        AudioDecoder ours = OpusCodec.newTwoStreamDecoder(OpusCodec.Implementation.NATIVE);
        try {
            for (int i = 0; i < left.size(); i++) {
                byte[] packet = new byte[2 * OpusCodec.MAX_PACKET];
                int length = OpusMultistream.assemble(left.get(i), 0, left.get(i).length, right.get(i), 0,
                        right.get(i).length, packet, 0);
                assertThat(length).isEqualTo(left.get(i).length + 1 + right.get(i).length);
                short[] expected = new short[2 * 960];
                assertThat(lib.opus_multistream_decode(reference, packet, length, expected, 960, 0)).isEqualTo(960);
                short[] actual = new short[2 * 960];
                assertThat(ours.decode(packet, 0, length, actual, 0)).isEqualTo(960);
                assertThat(actual).as("packet " + i).isEqualTo(expected);
            }
        }
        finally {
            lib.opus_multistream_decoder_destroy(reference);
            OpusCodec.release(ours);
        }
    }

    /** The encoder's packets through the decoder, in both implementations: each channel its own tone. */
    @ParameterizedTest
    @EnumSource(OpusCodec.Implementation.class)
    void twoStreamsCarryTwoChannels(OpusCodec.Implementation implementation) {
        requireAvailable(implementation);
        OpusCodec.Encoder encoder = OpusCodec.newTwoStreamEncoder(implementation, 30_000, 0);
        AudioDecoder decoder = OpusCodec.newTwoStreamDecoder(implementation);
        try {
            assertThat(encoder.channels()).isEqualTo(2);
            short[] left = new ToneGenerator(48_000, 1_000, 8_000).generate(0, 48_000);
            short[] right = new ToneGenerator(48_000, 600, 8_000).generate(0, 48_000);
            short[] stereo = new short[2 * 48_000];
            for (int i = 0; i < 48_000; i++) {
                stereo[2 * i] = left[i];
                stereo[2 * i + 1] = right[i];
            }
            short[] decoded = new short[stereo.length];
            byte[] packet = new byte[2 * OpusCodec.MAX_PACKET];
            for (int at = 0; at < 48_000; at += 960) {
                int length = encoder.encode(stereo, 2 * at, 960, packet, 0);
                assertThat(decoder.decode(packet, 0, length, decoded, 2 * at)).isEqualTo(960);
            }
            short[][] channels = {new short[48_000], new short[48_000]};
            for (int i = 0; i < 48_000; i++) {
                channels[0][i] = decoded[2 * i];
                channels[1][i] = decoded[2 * i + 1];
            }
            assertThat(ToneDetector.relativePower(channels[0], 9_600, 38_400, 1_000, 48_000))
                    .isGreaterThan(0.95);
            assertThat(ToneDetector.relativePower(channels[1], 9_600, 38_400, 600, 48_000))
                    .isGreaterThan(0.95);
        }
        finally {
            OpusCodec.release(encoder);
            OpusCodec.release(decoder);
        }
    }

    @Test
    void brokenPacketsAreRefused() {
        byte[] out = new byte[OpusCodec.MAX_PACKET];
        // empty; code 1 with an odd payload; code 2 whose first frame is longer than the packet;
        // code 3 with no frames; code 3 with padding running past the end
        for (byte[] broken : List.of(new byte[0], new byte[] {0x01, 1, 2, 3}, new byte[] {0x02, 10, 1},
                new byte[] {0x03, 0x00}, new byte[] {0x03, 0x41, (byte) 255})) {
            assertThatThrownBy(() -> OpusMultistream.selfDelimit(broken, 0, broken.length, out, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Opus");
        }
        // a self-delimited code 0 packet declaring 9 bytes in 3
        assertThatThrownBy(() -> OpusMultistream.delimitedLength(new byte[] {0x00, 9, 1}, 0, 3))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] good = {0x08, 1, 2, 3};
        assertThatThrownBy(() -> OpusMultistream.assemble(good, 0, 4, new byte[0], 0, 0, out, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpusMultistream.assemble(good, 0, 4, good, 0, 4, new byte[8], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("room");
        assertThatThrownBy(() -> OpusCodec.newTwoStreamEncoder(OpusCodec.Implementation.JAVA, 11_000, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Random bytes: every packet is refused with an IllegalArgumentException or round-trips, never anything else. */
    @Test
    void randomBytesAreRefusedOrRoundTripNeverACrash() {
        Random random = new Random(18);
        byte[] out = new byte[OpusCodec.MAX_PACKET];
        byte[] back = new byte[OpusCodec.MAX_PACKET];
        int framed = 0;
        for (int n = 0; n < 200_000; n++) {
            byte[] packet = new byte[random.nextInt(40)];
            random.nextBytes(packet);
            try {
                int length = OpusMultistream.selfDelimit(packet, 0, packet.length, out, 0);
                framed++;
                assertThat(OpusMultistream.delimitedLength(out, 0, length)).isEqualTo(length);
                assertThat(Arrays.copyOf(back, OpusMultistream.undelimit(out, 0, length, back, 0))).isEqualTo(packet);
            }
            catch (IllegalArgumentException refused) {
                // a broken packet: what a caller counts and skips
            }
            try {
                assertThat(OpusMultistream.delimitedLength(packet, 0, packet.length)).isBetween(1, packet.length);
            }
            catch (IllegalArgumentException refused) {
                // not a self-delimited packet
            }
        }
        assertThat(framed).as("random packets that are valid Opus framing").isGreaterThan(10_000);
    }

    /** A code 3 packet (constant size, one frame) with 300 bytes of padding around a real frame. */
    private static byte[] codeThreeWithPadding(byte[] codeZero) {
        assertThat(codeZero[0] & 3).isZero();
        int frame = codeZero.length - 1;
        byte[] packet = new byte[3 + 1 + frame + 300];
        packet[0] = (byte) (codeZero[0] | 3);
        packet[1] = 0x41; // one frame, padded, constant size
        packet[2] = (byte) 255; // 254 bytes of padding and another length byte
        packet[3] = 46; // 46 more: 300
        System.arraycopy(codeZero, 1, packet, 4, frame);
        return packet;
    }

    /** Packets of {@code samples} each from a mono encoder, of a second of noise with a tone in it. */
    private static List<byte[]> encode(OpusCodec.Implementation implementation, int bitrate, int samples) {
        OpusCodec.Encoder encoder = OpusCodec.newEncoder(implementation, 1, bitrate, 5);
        try {
            short[] pcm = new ToneGenerator(48_000, 440, 6_000).generate(0, 48_000);
            Random random = new Random(7);
            for (int i = 0; i < pcm.length; i++) {
                pcm[i] += (short) (random.nextGaussian() * 2_000);
            }
            List<byte[]> packets = new ArrayList<>();
            byte[] packet = new byte[OpusCodec.MAX_PACKET];
            for (int at = 0; at + samples <= pcm.length; at += samples) {
                packets.add(Arrays.copyOf(packet, encoder.encode(pcm, at, samples, packet, 0)));
            }
            return packets;
        }
        finally {
            OpusCodec.release(encoder);
        }
    }

    private static void requireAvailable(OpusCodec.Implementation implementation) {
        if (implementation == OpusCodec.Implementation.NATIVE) {
            assertThat(LibOpus.AVAILABLE).as("libopus loads (install libopus0): " + LibOpus.PROBLEM).isTrue();
        }
    }

    /** libopus's multistream decoder: the reference reader of the packets made here. */
    public interface Multistream extends Library {

        Pointer opus_multistream_decoder_create(int rate, int channels, int streams, int coupled, byte[] mapping,
                IntByReference error);

        int opus_multistream_decode(Pointer decoder, byte[] data, int length, short[] pcm, int frameSize, int fec);

        void opus_multistream_decoder_destroy(Pointer decoder);
    }
}
