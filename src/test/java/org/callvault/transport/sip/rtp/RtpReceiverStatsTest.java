package org.callvault.transport.sip.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.callvault.transport.sip.rtp.RtpReceiverStats.Verdict;
import org.junit.jupiter.api.Test;

class RtpReceiverStatsTest {

    private static final int SSRC = 0x1234_5678;
    private static final long MS = 1_000_000L;

    private final RtpReceiverStats stats = new RtpReceiverStats(8_000);

    /** Sends seq with its timestamp (160 units a packet from a start near the 32-bit wrap) arriving on time. */
    private Verdict send(int ssrc, int seq, long index) {
        long timestamp = (0xFFFF_FD00L + index * 160) & 0xFFFF_FFFFL;
        return stats.onPacket(ssrc, seq, timestamp, 1_000 * MS + index * 20 * MS);
    }

    @Test
    void countsLossDuplicatesAndReorderingAcrossTheSequenceAndTimestampWraps() {
        // 65530 .. 65535, 0 .. 20 (27 packets). Lost: 65533 and 3. 0 and 65535 swapped across the wrap,
        // 10 arrives twice, 15 arrives after 17.
        assertThat(send(SSRC, 65530, 0)).isEqualTo(Verdict.PROBATION);
        assertThat(send(SSRC, 65531, 1)).isEqualTo(Verdict.ACCEPTED);
        assertThat(send(SSRC, 65532, 2)).isEqualTo(Verdict.ACCEPTED);
        assertThat(send(SSRC, 65534, 4)).isEqualTo(Verdict.ACCEPTED);
        assertThat(send(SSRC, 0, 6)).isEqualTo(Verdict.ACCEPTED);
        assertThat(send(SSRC, 65535, 5)).isEqualTo(Verdict.REORDERED);
        for (int seq = 1; seq <= 20; seq++) {
            if (seq == 3 || seq == 15) {
                continue;
            }
            assertThat(send(SSRC, seq, 6 + seq)).isEqualTo(Verdict.ACCEPTED);
            if (seq == 10) {
                assertThat(send(SSRC, 10, 16)).isEqualTo(Verdict.DUPLICATE);
            }
            if (seq == 17) {
                assertThat(send(SSRC, 15, 21)).isEqualTo(Verdict.REORDERED);
            }
        }
        assertThat(send(SSRC, 65535, 5)).as("a duplicate from before the wrap").isEqualTo(Verdict.DUPLICATE);

        assertThat(stats.extendedHighestSequence()).isEqualTo(65536 + 20);
        // Counting starts at 65531, where probation ended (A.1): 65531..65535 and 0..20 = 26 expected.
        assertThat(stats.expected()).isEqualTo(26);
        assertThat(stats.received()).isEqualTo(24);
        assertThat(stats.lost()).isEqualTo(2);
        assertThat(stats.duplicates()).isEqualTo(2);
        assertThat(stats.reordered()).isEqualTo(2);
        assertThat(stats.extendedHighestTimestamp()).isEqualTo(0xFFFF_FD00L + 26 * 160);
        assertThat(stats.extendedHighestTimestamp()).isGreaterThan(0xFFFF_FFFFL);
        assertThat(stats.restarts()).isZero();
    }

    @Test
    void aNewSsrcGoesThroughProbationAndRestartsTheCounts() {
        for (int seq = 100; seq < 150; seq++) {
            send(SSRC, seq, seq);
        }
        assertThat(send(SSRC, 152, 152)).isEqualTo(Verdict.ACCEPTED); // 150, 151 lost
        assertThat(stats.lost()).isEqualTo(2);

        assertThat(send(0x0BAD_F00D, 9000, 153)).isEqualTo(Verdict.PROBATION);
        assertThat(stats.hasValidSource()).isFalse();
        assertThat(send(0x0BAD_F00D, 9001, 154)).isEqualTo(Verdict.RESTARTED);

        assertThat(stats.ssrc()).isEqualTo(0x0BAD_F00D);
        assertThat(stats.restarts()).isEqualTo(1);
        assertThat(stats.received()).isEqualTo(1);
        assertThat(stats.lost()).isZero();
        assertThat(stats.extendedHighestSequence()).isEqualTo(9001);
    }

    @Test
    void probationRestartsWhenTheFirstPacketsAreNotSequential() {
        assertThat(send(SSRC, 10, 0)).isEqualTo(Verdict.PROBATION);
        assertThat(send(SSRC, 20, 1)).isEqualTo(Verdict.PROBATION);
        assertThat(send(SSRC, 21, 2)).isEqualTo(Verdict.ACCEPTED);
        assertThat(stats.expected()).isEqualTo(1);
    }

    @Test
    void aBigJumpIsDroppedUnlessTheNextPacketConfirmsIt() {
        for (int seq = 0; seq < 10; seq++) {
            send(SSRC, seq, seq);
        }
        // A stray packet 5000 ahead is dropped, and the stream goes on as if it never came.
        assertThat(send(SSRC, 5010, 10)).isEqualTo(Verdict.JUMP_UNCONFIRMED);
        assertThat(send(SSRC, 10, 10)).isEqualTo(Verdict.ACCEPTED);
        assertThat(stats.extendedHighestSequence()).isEqualTo(10);
        assertThat(stats.lost()).isZero();

        // A sender that really jumped sends sequential packets from there: resync on the second.
        assertThat(send(SSRC, 40_000, 11)).isEqualTo(Verdict.JUMP_UNCONFIRMED);
        assertThat(send(SSRC, 40_001, 12)).isEqualTo(Verdict.RESTARTED);
        assertThat(send(SSRC, 40_002, 13)).isEqualTo(Verdict.ACCEPTED);
        assertThat(stats.extendedHighestSequence()).isEqualTo(40_002);
        assertThat(stats.expected()).isEqualTo(2);
        assertThat(stats.lost()).isZero();
        assertThat(stats.restarts()).isEqualTo(1);
    }

    @Test
    void jitterFollowsRfc3550A8() {
        // Steady arrival: every transit is the same, so no jitter.
        for (int i = 0; i < 50; i++) {
            stats.onPacket(SSRC, i, i * 160L, i * 20 * MS);
        }
        assertThat(stats.jitter()).isZero();

        // Then every other packet 5 ms (40 units) late: |D| is 40 on every packet, and J -> 40.
        RtpReceiverStats alternating = new RtpReceiverStats(8_000);
        alternating.onPacket(SSRC, 0, 0, 0);
        alternating.onPacket(SSRC, 1, 160, 20 * MS);
        alternating.onPacket(SSRC, 2, 320, 45 * MS); // first |D| = 40: J = 40/16 = 2.5
        assertThat(alternating.jitter()).isEqualTo(2);
        for (int i = 3; i < 400; i++) {
            alternating.onPacket(SSRC, i, i * 160L, (i * 20 + (i % 2 == 0 ? 5 : 0)) * MS);
        }
        assertThat(alternating.jitter()).isBetween(39L, 40L);
    }

    @Test
    void reportBlocksCarryIntervalLossCumulativeLossAndSenderReportTiming() {
        // 101 packets expected after probation, 10 of them lost.
        for (int seq = 0; seq <= 101; seq++) {
            if (seq % 10 == 5) {
                continue;
            }
            send(SSRC, seq, seq);
        }
        stats.onSenderReport(SSRC, 0xABCD_1234L, 2_000 * MS);
        stats.onSenderReport(0x0BAD, 0x1111_1111L, 2_100 * MS); // another source's SR is not ours to echo
        RtpReceiverStats.ReportBlock block = new RtpReceiverStats.ReportBlock();

        assertThat(stats.takeReport(block, 3_500 * MS)).isTrue();
        assertThat(block.ssrc).isEqualTo(SSRC);
        assertThat(stats.expected()).isEqualTo(101);
        assertThat(block.cumulativeLost).isEqualTo(10);
        assertThat(block.fractionLost).isEqualTo((10 << 8) / 101);
        assertThat(block.extendedHighestSequence).isEqualTo(101);
        assertThat(block.lastSenderReport).isEqualTo(0xABCD_1234L);
        assertThat(block.delaySinceLastSenderReport).isEqualTo(3 * 65536 / 2); // 1.5 s in 1/65536 s

        // The next interval has no loss: fraction 0, cumulative unchanged.
        for (int seq = 102; seq < 150; seq++) {
            send(SSRC, seq, seq);
        }
        assertThat(stats.takeReport(block, 4_000 * MS)).isTrue();
        assertThat(block.fractionLost).isZero();
        assertThat(block.cumulativeLost).isEqualTo(10);
    }

    @Test
    void noReportBeforeASourceIsValid() {
        send(SSRC, 1, 0);
        assertThat(stats.takeReport(new RtpReceiverStats.ReportBlock(), 0)).isFalse();
    }
}
