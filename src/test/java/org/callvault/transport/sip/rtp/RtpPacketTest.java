package org.callvault.transport.sip.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.callvault.transport.sip.rtp.RtpPacket.Problem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class RtpPacketTest {

    private final RtpPacket packet = new RtpPacket();

    @Test
    void writesAPacketIntoTheCallersBufferAndReadsItBack() {
        byte[] payload = new byte[160];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        byte[] buffer = new byte[300];
        int length = RtpPacket.write(buffer, 7, true, 8, 65535, 0xFFFF_FFF0L, 0xCAFEBABE, payload, 0, 160);

        assertThat(length).isEqualTo(172);
        assertThat(packet.wrap(buffer, 7, length)).isTrue();
        assertThat(packet.problem()).isEqualTo(Problem.NONE);
        assertThat(packet.marker()).isTrue();
        assertThat(packet.payloadType()).isEqualTo(8);
        assertThat(packet.sequenceNumber()).isEqualTo(65535);
        assertThat(packet.timestamp()).isEqualTo(0xFFFF_FFF0L);
        assertThat(packet.ssrc()).isEqualTo(0xCAFEBABE);
        assertThat(packet.csrcCount()).isZero();
        assertThat(packet.payloadOffset()).isEqualTo(19);
        assertThat(packet.payloadLength()).isEqualTo(160);
        assertThat(buffer[packet.payloadOffset() + 159]).isEqualTo((byte) 159);
        // Bytes outside the packet are untouched: the writer stays inside its slice.
        assertThat(buffer[6]).isZero();
        assertThat(buffer[7 + 172]).isZero();
    }

    @Test
    void skipsCsrcsAndTheHeaderExtensionAndStripsPadding() {
        // V=2 P=1 X=1 CC=2, PT 0, then 2 CSRCs, extension (profile 0xBEDE, 1 word), 5 payload bytes, 3 padding.
        byte[] b = new byte[12 + 8 + 8 + 5 + 3];
        b[0] = (byte) (0x80 | 0x20 | 0x10 | 2);
        b[1] = 0;
        RtpPacket.writeInt(b, 12, 111);
        RtpPacket.writeInt(b, 16, 222);
        b[20] = (byte) 0xBE;
        b[21] = (byte) 0xDE;
        b[23] = 1;
        for (int i = 0; i < 5; i++) {
            b[28 + i] = (byte) (0x70 + i);
        }
        b[b.length - 1] = 3;

        assertThat(packet.wrap(b, 0, b.length)).isTrue();
        assertThat(packet.padding()).isTrue();
        assertThat(packet.extension()).isTrue();
        assertThat(packet.extensionProfile()).isEqualTo(0xBEDE);
        assertThat(packet.csrcCount()).isEqualTo(2);
        assertThat(packet.csrc(0)).isEqualTo(111);
        assertThat(packet.csrc(1)).isEqualTo(222);
        assertThat(packet.payloadOffset()).isEqualTo(28);
        assertThat(packet.payloadLength()).isEqualTo(5);
        assertThat(b[packet.payloadOffset()]).isEqualTo((byte) 0x70);
    }

    @Test
    void anEmptyPayloadIsAValidKeepAlive() {
        byte[] b = new byte[12];
        RtpPacket.writeHeader(b, 0, false, 0, 1, 2, 3);

        assertThat(packet.wrap(b, 0, 12)).isTrue();
        assertThat(packet.payloadLength()).isZero();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("null array", null, 0, 12, Problem.TOO_SHORT),
                Arguments.of("11 bytes", header(11, 0x80, 0), 0, 11, Problem.TOO_SHORT),
                Arguments.of("length past the array", header(20, 0x80, 0), 10, 12, Problem.TOO_SHORT),
                Arguments.of("negative offset", header(20, 0x80, 0), -1, 12, Problem.TOO_SHORT),
                Arguments.of("version 0", header(20, 0x00, 0), 0, 20, Problem.BAD_VERSION),
                Arguments.of("version 1", header(20, 0x40, 0), 0, 20, Problem.BAD_VERSION),
                Arguments.of("version 3", header(20, 0xC0, 0), 0, 20, Problem.BAD_VERSION),
                Arguments.of("15 CSRCs in 20 bytes", header(20, 0x8F, 0), 0, 20, Problem.CSRC_OVERRUN),
                Arguments.of("1 CSRC in 15 bytes", header(15, 0x81, 0), 0, 15, Problem.CSRC_OVERRUN),
                Arguments.of("extension header cut", header(14, 0x90, 0), 0, 14, Problem.EXTENSION_HEADER_OVERRUN),
                Arguments.of("extension longer than packet", extensionClaiming(3, 20), 0, 20, Problem.EXTENSION_OVERRUN),
                Arguments.of("padding count 0", padded(30, 0), 0, 30, Problem.PADDING_ZERO),
                Arguments.of("padding past the header", padded(30, 19), 0, 30, Problem.PADDING_OVERRUN),
                Arguments.of("padding 255 in a small packet", padded(30, 255), 0, 30, Problem.PADDING_OVERRUN),
                Arguments.of("RTCP SR on a muxed port", header(28, 0x80, 200), 0, 28, Problem.RTCP_PAYLOAD_TYPE),
                Arguments.of("RTCP BYE on a muxed port", header(28, 0x80, 203), 0, 28, Problem.RTCP_PAYLOAD_TYPE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refusesMalformedPacketsWithAReason(String name, byte[] bytes, int offset, int length, Problem expected) {
        assertThat(packet.wrap(bytes, offset, length)).isFalse();
        assertThat(packet.problem()).isEqualTo(expected);
    }

    @Test
    void paddingThatExactlyFillsWhatFollowsTheHeaderLeavesAnEmptyPayload() {
        assertThat(packet.wrap(padded(30, 18), 0, 30)).isTrue();
        assertThat(packet.payloadLength()).isZero();
    }

    @Test
    void writingIntoATooSmallBufferIsAProgrammingError() {
        assertThatThrownBy(() -> RtpPacket.write(new byte[100], 0, false, 0, 0, 0, 0, new byte[160], 0, 160))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no room");
        assertThatThrownBy(() -> RtpPacket.writeHeader(new byte[11], 0, false, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RtpPacket.writeHeader(new byte[12], 0, false, 128, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload type");
    }

    private static byte[] header(int length, int first, int second) {
        byte[] b = new byte[length];
        b[0] = (byte) first;
        if (length > 1) {
            b[1] = (byte) second;
        }
        return b;
    }

    private static byte[] extensionClaiming(int words, int length) {
        byte[] b = header(length, 0x90, 0);
        b[15] = (byte) words; // 12 + 4 + 12 > 20
        return b;
    }

    private static byte[] padded(int length, int padding) {
        byte[] b = header(length, 0xA0, 0);
        b[length - 1] = (byte) padding;
        return b;
    }
}
