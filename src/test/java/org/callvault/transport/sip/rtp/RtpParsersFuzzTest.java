package org.callvault.transport.sip.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * 100,000 datagrams, half pure noise and half valid RTP, RTCP and telephone-event packets with
 * bytes flipped, cut or inserted, through every parser and on into the receiver's state
 * (statistics, latch, jitter buffer, DTMF). Nothing may throw; every refusal must name a reason.
 */
class RtpParsersFuzzTest {

    private static final int DATAGRAMS = 100_000;
    private static final long MS = 1_000_000L;

    @Test
    void noDatagramMakesAnyParserThrow() {
        Random random = new Random(15); // fixed: a failure replays
        RtpPacket rtp = new RtpPacket();
        Rtcp.Compound compound = new Rtcp.Compound();
        RtpReceiverStats stats = new RtpReceiverStats(8_000);
        JitterBuffer buffer = JitterBuffer.forG711();
        JitterBuffer.Playout out = new JitterBuffer.Playout(buffer);
        TelephoneEvents events = new TelephoneEvents(digit -> { });
        InetSocketAddress peer = new InetSocketAddress("192.0.2.1", 4000);
        SymmetricRtp latch = new SymmetricRtp(peer, 0, 8, 101);
        latch.callStarted();
        Set<RtpPacket.Problem> rtpProblems = EnumSet.noneOf(RtpPacket.Problem.class);
        Set<Rtcp.Problem> rtcpProblems = EnumSet.noneOf(Rtcp.Problem.class);
        int validRtp = 0;
        int validRtcp = 0;
        byte[] datagram = new byte[1600];
        byte[] seed = new byte[1600];

        for (int i = 0; i < DATAGRAMS; i++) {
            int length;
            if (i % 2 == 0) {
                length = random.nextInt(300);
                random.nextBytes(datagram);
            } else {
                length = validSeed(random, seed, i);
                System.arraycopy(seed, 0, datagram, 0, length);
                length = mutate(random, datagram, length);
            }
            int offset = random.nextInt(4) == 0 ? random.nextInt(8) : 0;
            int viewLength = Math.max(0, Math.min(length, datagram.length - offset));
            long now = i * 2 * MS;

            if (rtp.wrap(datagram, offset, viewLength)) {
                validRtp++;
                assertThat(rtp.payloadOffset() + rtp.payloadLength()).isLessThanOrEqualTo(offset + viewLength);
                assertThat(rtp.payloadOffset()).isGreaterThanOrEqualTo(offset + RtpPacket.HEADER_LENGTH);
                InetSocketAddress source = random.nextInt(8) == 0 ? new InetSocketAddress("203.0.113.9", 9) : peer;
                if (latch.accept(source, rtp)) {
                    stats.onPacket(rtp.ssrc(), rtp.sequenceNumber(), rtp.timestamp(), now);
                    if (rtp.payloadType() == 101) {
                        events.offer(rtp.timestamp(), rtp.array(), rtp.payloadOffset(), rtp.payloadLength());
                    } else {
                        buffer.offer(rtp.payloadType(), rtp.timestamp(), rtp.array(), rtp.payloadOffset(),
                                rtp.payloadLength(), now);
                    }
                }
            } else {
                rtpProblems.add(rtp.problem());
            }
            if (Rtcp.parse(datagram, offset, viewLength, compound) == Rtcp.Problem.NONE) {
                validRtcp++;
                if (compound.hasSenderReport()) {
                    stats.onSenderReport(compound.senderSsrc(), compound.ntpMiddle(), now);
                }
            } else {
                rtcpProblems.add(compound.problem());
            }
            Rtcp.looksLikeRtcp(datagram, offset, viewLength);
            TelephoneEvents.check(datagram, offset, viewLength);
            if (i % 10 == 0) {
                buffer.tick(now, out);
            }
        }
        Rtcp.writeReceiverReport(new byte[1500], 0, 1, stats, DATAGRAMS * 2 * MS, Rtcp.cname("fuzz"),
                new RtpReceiverStats.ReportBlock());

        // The run reached deep into every parser, not only its first check.
        assertThat(validRtp).isGreaterThan(10_000);
        assertThat(validRtcp).isGreaterThan(1_000);
        assertThat(rtpProblems).containsAll(EnumSet.complementOf(EnumSet.of(RtpPacket.Problem.NONE)));
        assertThat(rtcpProblems).containsAll(EnumSet.complementOf(EnumSet.of(Rtcp.Problem.NONE)));
        assertThat(buffer.audioFrames() + buffer.lostFrames()).isGreaterThan(0);
    }

    /** A valid packet of one of three kinds, in {@code seed}; returns its length. */
    private static int validSeed(Random random, byte[] seed, int i) {
        switch (random.nextInt(3)) {
            case 0 -> {
                byte[] payload = new byte[random.nextInt(6) * 80];
                int type = random.nextBoolean() ? 0 : 8;
                int length = RtpPacket.write(seed, 0, false, type, i / 2, (i / 2) * 160L, 42, payload, 0, payload.length);
                if (random.nextBoolean()) { // CSRCs, an extension and padding, so the mutations hit those fields
                    seed[0] = (byte) (0x80 | 0x20 | 0x10 | 1);
                    System.arraycopy(payload, 0, seed, 24, payload.length);
                    RtpPacket.writeInt(seed, 12, 7);
                    RtpPacket.writeInt(seed, 16, 0xBEDE_0000);
                    length = 24 + payload.length + 4;
                    seed[length - 1] = 4;
                }
                return length;
            }
            case 1 -> {
                byte[] event = {(byte) random.nextInt(16), (byte) (random.nextBoolean() ? 0x8A : 0x0A), 0, (byte) 160};
                return RtpPacket.write(seed, 0, false, 101, i / 2, (i / 2000) * 8000L, 42, event, 0, 4);
            }
            default -> {
                // SR (one block) + SDES + BYE.
                int at = 0;
                seed[at++] = (byte) 0x81;
                seed[at++] = (byte) 200;
                seed[at++] = 0;
                seed[at++] = 12;
                for (int k = 0; k < 48; k++) {
                    seed[at++] = (byte) random.nextInt(256);
                }
                RtpPacket.writeInt(seed, 4, 42);
                byte[] sdes = {(byte) 0x81, (byte) 202, 0, 2, 0, 0, 0, 42, 1, 1, 'x', 0};
                System.arraycopy(sdes, 0, seed, at, sdes.length);
                at += sdes.length;
                byte[] bye = {(byte) 0x81, (byte) 203, 0, 1, 0, 0, 0, 42};
                System.arraycopy(bye, 0, seed, at, bye.length);
                return at + bye.length;
            }
        }
    }

    /** Flips, overwrites, cuts or extends a few bytes; returns the new length. */
    private static int mutate(Random random, byte[] b, int length) {
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            switch (random.nextInt(4)) {
                case 0 -> {
                    int at = random.nextInt(Math.max(1, Math.min(length, 20)));
                    b[at] ^= (byte) (1 << random.nextInt(8));
                }
                case 1 -> b[random.nextInt(Math.max(1, length))] = (byte) random.nextInt(256);
                case 2 -> length = random.nextInt(length + 1);
                default -> {
                    int extra = random.nextInt(8);
                    for (int k = 0; k < extra && length < b.length; k++) {
                        b[length++] = (byte) random.nextInt(256);
                    }
                }
            }
        }
        return length;
    }
}
