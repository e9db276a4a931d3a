package org.callvault.transport.sip.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.stream.Stream;

import org.callvault.transport.sip.rtp.Rtcp.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RtcpTest {

    private static final long MS = 1_000_000L;
    private static final int PEER = 0x5EED_0001;

    private final Rtcp.Compound compound = new Rtcp.Compound();

    /** A sender report (NTP 0x11223344.55667788) with one report block, as a peer sends it. */
    private static byte[] senderReport(int reportBlocks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int words = (28 + 24 * reportBlocks) / 4 - 1;
        out.writeBytes(new byte[] {(byte) (0x80 | reportBlocks), (byte) 200, 0, (byte) words});
        out.writeBytes(int32(PEER));
        out.writeBytes(int32(0x1122_3344));
        out.writeBytes(int32(0x5566_7788));
        out.writeBytes(int32(123_456));
        out.writeBytes(int32(500));
        out.writeBytes(int32(80_000));
        for (int i = 0; i < reportBlocks; i++) {
            out.writeBytes(new byte[24]);
        }
        return out.toByteArray();
    }

    private static byte[] sdes(String cname) {
        int chunk = ((4 + 2 + cname.length()) / 4 + 1) * 4;
        byte[] b = new byte[4 + chunk];
        b[0] = (byte) 0x81;
        b[1] = (byte) 202;
        b[3] = (byte) (b.length / 4 - 1);
        System.arraycopy(int32(PEER), 0, b, 4, 4);
        b[8] = 1;
        b[9] = (byte) cname.length();
        System.arraycopy(cname.getBytes(), 0, b, 10, cname.length());
        return b;
    }

    private static byte[] bye(String reason) {
        int body = 4 + (reason == null ? 0 : ((1 + reason.length() + 3) / 4) * 4);
        byte[] b = new byte[4 + body];
        b[0] = (byte) 0x81;
        b[1] = (byte) 203;
        b[3] = (byte) (b.length / 4 - 1);
        System.arraycopy(int32(PEER), 0, b, 4, 4);
        if (reason != null) {
            b[8] = (byte) reason.length();
            System.arraycopy(reason.getBytes(), 0, b, 9, reason.length());
        }
        return b;
    }

    private static byte[] app() {
        return new byte[] {(byte) 0x80, (byte) 204, 0, 2, 0, 0, 0, 1, 'T', 'E', 'S', 'T'};
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    @Test
    void readsACompoundOfSenderReportDescriptionApplicationAndBye() {
        byte[] packet = concat(senderReport(1), sdes("alice@pbx.example"), app(), bye("hang up"));

        assertThat(Rtcp.looksLikeRtcp(packet, 0, packet.length)).isTrue();
        assertThat(Rtcp.parse(packet, 0, packet.length, compound)).isEqualTo(Problem.NONE);
        assertThat(compound.packets()).isEqualTo(4);
        assertThat(compound.hasSenderReport()).isTrue();
        assertThat(compound.senderSsrc()).isEqualTo(PEER);
        assertThat(compound.ntpMiddle()).isEqualTo(0x3344_5566L);
        assertThat(compound.senderRtpTimestamp()).isEqualTo(123_456);
        assertThat(compound.senderPackets()).isEqualTo(500);
        assertThat(compound.senderOctets()).isEqualTo(80_000);
        assertThat(compound.reportBlocks()).isEqualTo(1);
        assertThat(compound.sdesChunks()).isEqualTo(1);
        assertThat(compound.others()).isEqualTo(1);
        assertThat(compound.hasBye()).isTrue();
        assertThat(compound.byeSsrc()).isEqualTo(PEER);
    }

    @Test
    void writesAReceiverReportFromTheStatsThatParsesBackWithEveryField() {
        RtpReceiverStats stats = new RtpReceiverStats(8_000);
        // 0..200 with every 20th lost (probation takes 0): 200 expected, 10 lost; a 2 ms wobble for jitter.
        for (int seq = 0; seq <= 200; seq++) {
            if (seq % 20 == 7) {
                continue;
            }
            stats.onPacket(PEER, seq, seq * 160L, (seq * 20 + (seq % 2) * 2) * MS);
        }
        byte[] sr = senderReport(0);
        Rtcp.parse(sr, 0, sr.length, compound);
        stats.onSenderReport(compound.senderSsrc(), compound.ntpMiddle(), 3_000 * MS);

        byte[] out = new byte[100];
        int length = Rtcp.writeReceiverReport(out, 4, 0xC0FFEE, stats, 3_250 * MS, Rtcp.cname("callvault@host"),
                new RtpReceiverStats.ReportBlock());

        assertThat(length).as("RR with one block, SDES with a 14-byte CNAME").isEqualTo(32 + 28);
        assertThat(Rtcp.parse(out, 4, length, compound)).isEqualTo(Problem.NONE);
        assertThat(compound.packets()).isEqualTo(2);
        assertThat(compound.reportBlocks()).isEqualTo(1);
        assertThat(compound.sdesChunks()).isEqualTo(1);
        int block = 4 + 8;
        assertThat(RtpPacket.readInt(out, 4 + 4)).isEqualTo(0xC0FFEE);
        assertThat(RtpPacket.readInt(out, block)).isEqualTo(PEER);
        assertThat(out[block + 4] & 0xFF).as("fraction lost: 10 of 200, times 256").isEqualTo(10 * 256 / 200);
        assertThat(RtpPacket.readInt(out, block + 4) & 0xFF_FFFF).as("cumulative lost").isEqualTo(10);
        assertThat(RtpPacket.readInt(out, block + 8)).as("extended highest sequence").isEqualTo(200);
        assertThat(RtpPacket.readInt(out, block + 12)).as("jitter, 16 units of wobble").isBetween(10, 16);
        assertThat(RtpPacket.readInt(out, block + 16) & 0xFFFF_FFFFL).as("LSR").isEqualTo(0x3344_5566L);
        assertThat(RtpPacket.readInt(out, block + 20)).as("DLSR: 0.25 s in 1/65536 s").isEqualTo(65536 / 4);
        assertThat(new String(out, 4 + 32 + 10, 14)).isEqualTo("callvault@host");
    }

    @Test
    void beforeAnyValidSourceTheReportHasNoBlock() {
        byte[] out = new byte[64];
        int length = Rtcp.writeReceiverReport(out, 0, 1, new RtpReceiverStats(8_000), 0, Rtcp.cname("x"),
                new RtpReceiverStats.ReportBlock());

        assertThat(Rtcp.parse(out, 0, length, compound)).isEqualTo(Problem.NONE);
        assertThat(out[0] & 0x1F).isZero();
        assertThat(compound.reportBlocks()).isZero();
        assertThatThrownBy(() -> Rtcp.writeReceiverReport(new byte[10], 0, 1, new RtpReceiverStats(8_000), 0,
                Rtcp.cname("x"), new RtpReceiverStats.ReportBlock())).isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> malformed() {
        byte[] sr = senderReport(1);
        byte[] badVersion = sr.clone();
        badVersion[0] = (byte) (0x40 | 1);
        byte[] secondBadVersion = concat(sr, sdes("a"));
        secondBadVersion[sr.length] = (byte) 0xC1;
        byte[] paddedFirst = concat(sr, sdes("a"));
        paddedFirst[0] |= 0x20;
        byte[] lengthTooLong = sr.clone();
        lengthTooLong[3] += 1;
        byte[] trailing = concat(sr, new byte[] {(byte) 0x80, (byte) 202});
        byte[] paddingNotLast = concat(sr, sdes("abc"), bye(null));
        paddingNotLast[sr.length] |= 0x20;
        byte[] paddingTooBig = concat(sr, bye(null));
        paddingTooBig[sr.length] |= 0x20;
        paddingTooBig[paddingTooBig.length - 1] = 9;
        byte[] paddingZero = paddingTooBig.clone();
        paddingZero[paddingZero.length - 1] = 0;
        byte[] truncatedReport = sr.clone();
        truncatedReport[0] = (byte) (0x80 | 2);
        byte[] rrTruncated = new byte[] {(byte) 0x81, (byte) 201, 0, 1, 0, 0, 0, 1};
        byte[] sdesItemPastEnd = concat(sr, sdes("abcd"));
        sdesItemPastEnd[sr.length + 9] = 40;
        byte[] sdesTooManyChunks = concat(sr, sdes("abcd"));
        sdesTooManyChunks[sr.length] = (byte) 0x83;
        byte[] byeTooManySources = concat(sr, bye(null));
        byeTooManySources[sr.length] = (byte) 0x85;
        byte[] byeReasonPastEnd = concat(sr, bye("bye"));
        byeReasonPastEnd[sr.length + 8] = 30;
        return Stream.of(
                Arguments.of("null", null, Problem.TOO_SHORT),
                Arguments.of("7 bytes", new byte[7], Problem.TOO_SHORT),
                Arguments.of("version 1", badVersion, Problem.BAD_VERSION),
                Arguments.of("second packet version 3", secondBadVersion, Problem.BAD_VERSION),
                Arguments.of("SDES first", concat(sdes("a"), sr), Problem.NOT_REPORT_FIRST),
                Arguments.of("RTP, not RTCP", new byte[] {(byte) 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, Problem.NOT_REPORT_FIRST),
                Arguments.of("padded first packet", paddedFirst, Problem.NOT_REPORT_FIRST),
                Arguments.of("length past the end", lengthTooLong, Problem.LENGTH_MISMATCH),
                Arguments.of("2 bytes left over", trailing, Problem.LENGTH_MISMATCH),
                Arguments.of("padding on a middle packet", paddingNotLast, Problem.BAD_PADDING),
                Arguments.of("padding larger than the packet", paddingTooBig, Problem.BAD_PADDING),
                Arguments.of("padding count 0", paddingZero, Problem.BAD_PADDING),
                Arguments.of("SR claiming 2 blocks, holding 1", truncatedReport, Problem.REPORT_TRUNCATED),
                Arguments.of("RR claiming 1 block, holding 0", rrTruncated, Problem.REPORT_TRUNCATED),
                Arguments.of("SDES item past its packet", sdesItemPastEnd, Problem.SDES_TRUNCATED),
                Arguments.of("SDES claiming 3 chunks", sdesTooManyChunks, Problem.SDES_TRUNCATED),
                Arguments.of("BYE claiming 5 sources", byeTooManySources, Problem.BYE_TRUNCATED),
                Arguments.of("BYE reason past its packet", byeReasonPastEnd, Problem.BYE_TRUNCATED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void ignoresMalformedCompoundsWithAReasonAndKeepsNothingOfThem(String name, byte[] bytes, Problem expected) {
        assertThat(Rtcp.parse(bytes, 0, bytes == null ? 0 : bytes.length, compound)).isEqualTo(expected);
        assertThat(compound.problem()).isEqualTo(expected);
        assertThat(compound.hasSenderReport()).isFalse();
        assertThat(compound.packets()).isZero();
        assertThat(compound.hasBye()).isFalse();
    }

    @Test
    void tellsRtcpFromRtpOnAMultiplexedPort() {
        byte[] rtp = new byte[12];
        RtpPacket.writeHeader(rtp, 0, true, 0, 1, 2, 3); // marker + PT 0 = 128
        assertThat(Rtcp.looksLikeRtcp(rtp, 0, 12)).isFalse();
        byte[] sr = senderReport(0);
        assertThat(Rtcp.looksLikeRtcp(sr, 0, sr.length)).isTrue();
        assertThat(Rtcp.looksLikeRtcp(sr, 0, 1)).isFalse();
    }
}
