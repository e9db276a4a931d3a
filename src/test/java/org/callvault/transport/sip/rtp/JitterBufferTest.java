package org.callvault.transport.sip.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.function.LongUnaryOperator;

import org.callvault.transport.sip.rtp.JitterBuffer.Offer;
import org.callvault.transport.sip.rtp.JitterBuffer.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drives the buffer with a simulated sender and network: packets of a chosen packet time, each with
 * its own network delay, and a 20 ms playout clock whose phase is unrelated to the sender's.
 */
class JitterBufferTest {

    private static final long MS = 1_000_000L;
    /** Starts 1 s before the 32-bit wrap, so every run of a few seconds crosses it. */
    private static final long FIRST_TIMESTAMP = 0x1_0000_0000L - 8_000;
    private static final int PCMU = 0;

    /** The byte the sender puts at extended timestamp unit {@code unit}: lets each frame's content be checked. */
    private static byte unitByte(long unit) {
        return (byte) Math.floorMod(unit, 251);
    }

    private record Arrival(long nanos, long unit, int units) {
    }

    /** What came out of the buffer tick by tick, checked as it goes. */
    private static final class Run {
        final JitterBuffer buffer = JitterBuffer.forG711();
        final JitterBuffer.Playout out = new JitterBuffer.Playout(buffer);
        final List<Long> audioUnits = new ArrayList<>();
        final List<Arrival> arrivals;
        final byte[] payload = new byte[400];
        /** The units the sender leaves quiet (PCMU 0xFF, silence): none unless a test says so. */
        LongPredicate quiet = unit -> false;
        int next;
        long tick;
        long lastUnit = Long.MIN_VALUE;
        long lost;
        long fill;
        long lastAudioNanos;
        long maxDelayNanos;

        Run(List<Arrival> arrivals, long tickPhaseNanos) {
            this.arrivals = new ArrayList<>(arrivals);
            this.arrivals.sort(Comparator.comparingLong(Arrival::nanos));
            this.tick = tickPhaseNanos;
        }

        /** Runs the clock (every 20 ms) up to {@code untilNanos}, delivering each packet before the first tick after it. */
        Run until(long untilNanos) {
            for (; tick < untilNanos; tick += 20 * MS) {
                while (next < arrivals.size() && arrivals.get(next).nanos() <= tick) {
                    Arrival a = arrivals.get(next++);
                    for (int i = 0; i < a.units(); i++) {
                        payload[i] = byteAt(a.unit() + i);
                    }
                    buffer.offer(PCMU, a.unit() & 0xFFFF_FFFFL, payload, 0, a.units(), a.nanos());
                }
                Status status = buffer.tick(tick, out);
                if (status == Status.AUDIO) {
                    long unit = lastUnit == Long.MIN_VALUE
                            ? FIRST_TIMESTAMP + Math.floorMod(out.rtpTimestamp() - FIRST_TIMESTAMP, 1L << 32)
                            : Wraparound.extendTimestamp(lastUnit, out.rtpTimestamp());
                    assertThat(unit).as("frames come out in order").isGreaterThan(lastUnit);
                    assertThat(out.length()).isEqualTo(160);
                    assertThat(out.payloadType()).isEqualTo(PCMU);
                    for (int i = 0; i < 160; i++) {
                        assertThat(out.payload()[i]).as("byte %d of frame %d", i, unit).isEqualTo(byteAt(unit + i));
                    }
                    lastUnit = unit;
                    audioUnits.add(unit);
                    // Delay from the end of the frame's capture (sender starts at 0 ns) to its playout.
                    long captured = (unit - FIRST_TIMESTAMP + 160) * MS / 8;
                    maxDelayNanos = Math.max(maxDelayNanos, tick - captured);
                } else if (status == Status.LOST) {
                    lost++;
                    long unit = Wraparound.extendTimestamp(lastUnit == Long.MIN_VALUE ? FIRST_TIMESTAMP : lastUnit,
                            out.rtpTimestamp());
                    assertThat(unit).as("a gap keeps the order too").isGreaterThan(lastUnit);
                    lastUnit = unit;
                } else if (status == Status.FILL) {
                    fill++;
                }
            }
            return this;
        }

        byte byteAt(long unit) {
            return quiet.test(unit) ? (byte) 0xFF : unitByte(unit);
        }

        Run quietFrom(long unit) {
            quiet = u -> u >= unit;
            return this;
        }

        /** Every frame from the first played to the last is accounted for: played, a gap, or skipped. */
        void assertEveryFrameAccountedFor() {
            long first = audioUnits.get(0);
            long frames = (lastUnit - first) / 160 + 1;
            assertThat(buffer.audioFrames() + buffer.lostFrames() + buffer.skippedFrames()).isEqualTo(frames);
            assertThat(buffer.lostFrames()).isEqualTo(lost);
            assertThat(buffer.fillFrames()).isEqualTo(fill);
        }
    }

    /** The sender's packets of {@code ptimeMillis} for {@code millis}, each delayed by {@code delay(index)}. */
    private static List<Arrival> stream(int ptimeMillis, long millis, LongUnaryOperator delayMillis) {
        List<Arrival> arrivals = new ArrayList<>();
        int units = ptimeMillis * 8;
        for (long index = 0; (index + 1) * ptimeMillis <= millis; index++) {
            long sentNanos = (index + 1) * ptimeMillis * MS; // a packet leaves once its audio is captured
            arrivals.add(new Arrival(sentNanos + delayMillis.applyAsLong(index) * MS, FIRST_TIMESTAMP + index * units, units));
        }
        return arrivals;
    }

    @ParameterizedTest(name = "{0} ms packets")
    @ValueSource(ints = {10, 20, 30, 40})
    void repacketizesEveryPacketTimeInto20msFramesAcrossTheTimestampWrap(int ptime) {
        // The clock stops with the stream: past its end every tick would rightly be a gap.
        Run run = new Run(stream(ptime, 3_000, i -> 15), 7 * MS).until(3_000 * MS);

        assertThat(run.buffer.lostFrames()).isZero();
        assertThat(run.buffer.latePackets()).isZero();
        assertThat(run.audioUnits).hasSizeGreaterThan(140);
        assertThat(run.audioUnits.get(run.audioUnits.size() - 1)).as("crossed the wrap").isGreaterThan(0xFFFF_FFFFL);
        run.assertEveryFrameAccountedFor();
        // Only the calm network's depth: 60 ms, plus the packet time and the 15 ms of transit, plus a tick.
        assertThat(run.maxDelayNanos).isLessThanOrEqualTo((60 + ptime + 15 + 20) * MS);
        assertThat(run.buffer.depthMillis()).isEqualTo(60);
    }

    @ParameterizedTest(name = "late by up to {0} ms")
    @ValueSource(ints = {0, 40, 120})
    void whatWasReceivedBeforeAStreamStopsPlaysOutWithinItsPendingTime(int late) {
        // A pause: from 2 s on nothing more is offered. What was received by then still plays,
        // and no later than the pending time read at that moment (plus a tick's phase) says.
        long stop = 2_000 * MS + 3 * MS;
        List<Arrival> before = stream(20, 3_000, i -> i % 5 == 0 ? 5 + late : 5).stream()
                .filter(a -> a.nanos() <= stop).toList();
        Run run = new Run(before, 7 * MS).until(stop);
        long pending = run.buffer.pendingMillis();
        int played = run.audioUnits.size();
        long lastSent = before.get(before.size() - 1).unit();

        run.until(stop + 1_000 * MS);
        assertThat(run.audioUnits.get(run.audioUnits.size() - 1)).as("the last frame received played")
                .isEqualTo(lastSent);
        long playedAfter = run.audioUnits.size() - played;
        assertThat(playedAfter * 20).as("played after the stop, pending %d ms", pending)
                .isGreaterThan(0).isLessThanOrEqualTo(pending + 20);
        assertThat(pending).as("never more than the deepest the buffer goes, plus a frame").isBetween(60L, 220L);
    }

    @Test
    void reordersPacketsUpToThreePlacesWithoutLosingThemOnceAdapted() {
        // Every fourth packet 65 ms late, so it arrives after the three that follow it.
        Run run = new Run(stream(20, 6_000, i -> i % 4 == 0 ? 5 + 65 : 5), 3 * MS).until(1_000 * MS);
        // While the buffer learns (60 ms at the start, deeper after the first late packet), a late packet
        // may cost its frame; each such frame is a counted gap.
        long lostWhileLearning = run.buffer.lostFrames();
        assertThat(lostWhileLearning).isEqualTo(run.buffer.latePackets()).isLessThanOrEqualTo(3);

        run.until(6_100 * MS);
        run.assertEveryFrameAccountedFor();
        assertThat(run.buffer.depthMillis()).as("spread 65 ms + half a frame").isEqualTo(75);
        assertThat(run.buffer.lostFrames()).as("nothing lost once adapted").isEqualTo(lostWhileLearning);
        assertThat(run.buffer.latePackets()).isEqualTo(lostWhileLearning);
        assertThat(run.buffer.audioFrames()).isGreaterThan(290);
        assertThat(run.maxDelayNanos).isLessThanOrEqualTo((20 + 5 + 75 + 20 + 20) * MS);
    }

    @Test
    void aCleanStreamLosesNoFrameWhenTheFirstSecondsDepthGivesWayToTheTarget() {
        // The first second's depth giving way to the adapted one: whatever the phase of the clock against the
        // packets, no frame of a clean stream is skipped for it (a skip is heard audio dropped from
        // the recording too).
        for (int phase = 0; phase < 20; phase += 3) {
            Run run = new Run(stream(20, 5_000, i -> 5), phase * MS).until(5_000 * MS);
            assertThat(run.buffer.skippedFrames()).as("phase %d ms", phase).isZero();
            assertThat(run.buffer.lostFrames()).isZero();
            assertThat(run.buffer.fillFrames()).isZero();
        }
    }

    @Test
    void aStallOf100msIsWaitedOutThenTheBufferKeepsTheDelayWhileTheCallerTalks() {
        // 20 ms packets, 5 ms transit; packets 150..154 (100 ms at 3 s) are held and arrive with 155:
        // a GC pause of the thread that reads the socket, or a network that holds a burst, looks so.
        // Nothing after the due frame has arrived, so the buffer waits (fills) instead of declaring
        // the frames lost and refusing their packets a moment later.
        Run run = new Run(stream(20, 14_000, i -> i >= 150 && i < 155 ? 5 + (155 - i) * 20 : 5), 11 * MS)
                .until(3_500 * MS);

        assertThat(run.buffer.latePackets()).as("no held packet refused").isZero();
        assertThat(run.buffer.lostFrames()).as("no frame lost").isZero();
        assertThat(run.buffer.fillFrames()).as("the stall, less the 60 ms depth, waited out with silence").isBetween(2L, 3L);
        assertThat(run.buffer.depthMillis()).as("deepened to the stall's spread").isEqualTo(110);

        // The stall ages out of the 8 s window: back towards 60 ms, but the caller talks on (every
        // frame has sound), and a frame with sound is never shed below the maximum depth: what the
        // buffer plays is what is recorded. The buffer stays deeper instead.
        Run rest = run.until(14_000 * MS);
        assertThat(rest.buffer.depthMillis()).isEqualTo(60);
        assertThat(rest.buffer.skippedFrames()).as("no heard frame shed").isZero();
        assertThat(rest.buffer.lostFrames()).isZero();
        assertThat(rest.maxDelayNanos).as("the stall's delay kept, within the maximum depth").isLessThan(200 * MS);
        rest.assertEveryFrameAccountedFor();
    }

    @Test
    void afterAStallTheBufferShrinksBackOnTheCallersFirstQuietFrames() {
        // The same stall; from 12 s the caller is quiet (PCMU silence): the buffer sheds quiet frames
        // there until it is within two and a half frames of its 60 ms.
        Run run = new Run(stream(20, 14_000, i -> i >= 150 && i < 155 ? 5 + (155 - i) * 20 : 5), 11 * MS)
                .quietFrom(FIRST_TIMESTAMP + 12_000 * 8).until(14_000 * MS);

        assertThat(run.buffer.skippedFrames()).as("~120 ms of delay back under 60 + 50 ms: one quiet frame shed")
                .isEqualTo(1);
        assertThat(run.buffer.lostFrames()).isZero();
        long lastPlayed = (run.lastUnit - FIRST_TIMESTAMP) / 160;
        long newestArrived = (14_000 - 20 - 5) / 20 - 1;
        assertThat((newestArrived - lastPlayed) * 20).as("ms of audio waiting at the end").isLessThan(110);
        run.assertEveryFrameAccountedFor();
    }

    @Test
    void aLostPacketWithLaterOnesArrivedIsAGapNotAWait() {
        // Packet 100 never arrives; 101 arrives 20 ms after it was due to, before 100's tick.
        List<Arrival> arrivals = stream(20, 4_000, i -> 5);
        arrivals.remove(100);
        Run run = new Run(arrivals, 11 * MS).until(4_000 * MS);

        assertThat(run.buffer.lostFrames()).isEqualTo(1);
        assertThat(run.buffer.fillFrames()).as("no wait for a frame a later packet has overtaken").isZero();
        run.assertEveryFrameAccountedFor();
    }

    @Test
    void aSenderThatFallsSilentIsWaitedForOnlyUpToTheMaximumDepth() {
        // Silence suppression: no packet from 2 s to 4 s (timestamps run on), then the caller talks
        // again. The buffer waits at most the maximum depth, then plays the silence as gaps and
        // sheds them back to its depth: the talk spurt after the pause comes out whole and on time.
        List<Arrival> arrivals = stream(20, 8_000, i -> 5);
        arrivals.removeIf(a -> a.unit() >= FIRST_TIMESTAMP + 2_000 * 8 && a.unit() < FIRST_TIMESTAMP + 4_000 * 8);
        Run run = new Run(arrivals, 11 * MS).until(8_000 * MS);

        assertThat(run.buffer.fillFrames()).as("at most the maximum depth waited").isBetween(1L, 10L);
        assertThat(run.buffer.latePackets()).isZero();
        assertThat(run.buffer.lostFrames() + run.buffer.skippedFrames()).as("the 100 frames never sent")
                .isEqualTo(100);
        long lastPlayed = (run.lastUnit - FIRST_TIMESTAMP) / 160;
        long newestArrived = (8_000 - 20 - 5) / 20 - 1;
        assertThat((newestArrived - lastPlayed) * 20).as("ms of audio waiting at the end").isLessThan(110);
        run.assertEveryFrameAccountedFor();
    }

    @Test
    void aFastSendersDelayIsBoundedByTheMaximumDepthEvenWhileTheCallerTalks() {
        // The sender's clock runs 1 % fast (a packet every 19.8 ms): without shedding, the buffer
        // would grow by 10 ms every second; every frame has sound, so it sheds only past 200 ms.
        List<Arrival> arrivals = new ArrayList<>();
        for (long index = 0; index < 3_000; index++) {
            arrivals.add(new Arrival((index + 1) * 19_800_000L + 5 * MS, FIRST_TIMESTAMP + index * 160, 160));
        }
        Run run = new Run(arrivals, 11 * MS).until(59_000 * MS);

        // 30 frames more than the clock plays in 59 s; the buffer keeps up to 250 ms of them.
        assertThat(run.buffer.skippedFrames()).as("the excess shed at the maximum depth").isBetween(10L, 30L);
        long newestArrived = (59_000 * MS - 5 * MS) / 19_800_000L - 1;
        long lastPlayed = (run.lastUnit - FIRST_TIMESTAMP) / 160;
        assertThat((newestArrived - lastPlayed) * 19.8).as("ms of audio waiting: the delay stays bounded")
                .isBetween(150.0, 300.0);
        run.assertEveryFrameAccountedFor();
    }

    @Test
    void quietMeansEverySampleUnderMinus40Dbfs() {
        byte[] frame = new byte[160];
        java.util.Arrays.fill(frame, (byte) 0xFF); // PCMU 0
        assertThat(JitterBuffer.QuietFrames.G711_BELOW_MINUS_40_DBFS.isQuiet(PCMU, frame, 0, 160)).isTrue();
        frame[80] = org.callvault.media.G711.PCMU.encode((short) 400);
        assertThat(JitterBuffer.QuietFrames.G711_BELOW_MINUS_40_DBFS.isQuiet(PCMU, frame, 0, 160))
                .as("one sample at -38 dBFS").isFalse();
        assertThat(JitterBuffer.QuietFrames.G711_BELOW_MINUS_40_DBFS.isQuiet(9, new byte[160], 0, 160))
                .as("G.722 is not decoded here: never quiet").isFalse();
    }

    @Test
    void dropsDuplicatesAndPacketsForFramesAlreadyPlayed() {
        JitterBuffer buffer = JitterBuffer.forG711();
        JitterBuffer.Playout out = new JitterBuffer.Playout(buffer);
        byte[] payload = new byte[160];

        assertThat(buffer.offer(PCMU, 1000, payload, 0, 160, 20 * MS)).isEqualTo(Offer.STORED);
        assertThat(buffer.offer(PCMU, 1000, payload, 0, 160, 21 * MS)).isEqualTo(Offer.DUPLICATE);
        assertThat(buffer.offer(PCMU, 1160, payload, 0, 160, 40 * MS)).isEqualTo(Offer.STORED);
        assertThat(buffer.offer(PCMU, 1080, payload, 0, 160, 41 * MS)).as("overlaps both, adds nothing")
                .isEqualTo(Offer.DUPLICATE);
        assertThat(buffer.tick(30 * MS, out)).as("not due before the 60 ms start depth").isEqualTo(Status.IDLE);
        assertThat(buffer.tick(80 * MS, out)).isEqualTo(Status.AUDIO);
        assertThat(out.rtpTimestamp()).isEqualTo(1000);
        assertThat(buffer.offer(PCMU, 1000, payload, 0, 160, 81 * MS)).isEqualTo(Offer.TOO_LATE);
        // That packet came 61 ms after its peers' pace: the buffer deepens (61 + 10 ms) with one tick of silence.
        assertThat(buffer.tick(100 * MS, out)).isEqualTo(Status.FILL);
        assertThat(buffer.depthMillis()).isEqualTo(71);
        assertThat(buffer.tick(120 * MS, out)).isEqualTo(Status.AUDIO);
        assertThat(out.rtpTimestamp()).isEqualTo(1160);
        assertThat(buffer.tick(140 * MS, out)).as("nothing at or after 1320 has come: held up, waited for")
                .isEqualTo(Status.FILL);
        assertThat(buffer.offer(PCMU, 1480, payload, 0, 160, 150 * MS)).isEqualTo(Offer.STORED);
        assertThat(buffer.tick(160 * MS, out)).as("a later packet overtook it: lost").isEqualTo(Status.LOST);
        assertThat(out.rtpTimestamp()).isEqualTo(1320);

        assertThat(buffer.duplicatePackets()).isEqualTo(2);
        assertThat(buffer.latePackets()).isEqualTo(1);
        assertThat(buffer.lostFrames()).isEqualTo(1);
        assertThat(buffer.offer(PCMU, 2000, payload, 0, 0, 130 * MS)).isEqualTo(Offer.REJECTED);
        assertThat(buffer.offer(PCMU, 2000, new byte[2000], 0, 1281, 130 * MS)).isEqualTo(Offer.REJECTED);
        assertThat(buffer.offer(PCMU, 2000, payload, 100, 160, 130 * MS)).as("past the array").isEqualTo(Offer.REJECTED);
        assertThat(buffer.offer(PCMU, 2000, null, 0, 160, 130 * MS)).isEqualTo(Offer.REJECTED);
        assertThat(buffer.rejectedPackets()).isEqualTo(4);
    }

    @Test
    void aFrameOfWhichHalfIsLostIsAGap() {
        JitterBuffer buffer = JitterBuffer.forG711();
        JitterBuffer.Playout out = new JitterBuffer.Playout(buffer);
        byte[] payload = new byte[80];
        buffer.offer(PCMU, 0, payload, 0, 80, 10 * MS);
        // 80..159 (the frame's second half) never comes.
        buffer.offer(PCMU, 160, payload, 0, 80, 30 * MS);
        buffer.offer(PCMU, 240, payload, 0, 80, 40 * MS);

        assertThat(buffer.tick(70 * MS, out)).isEqualTo(Status.LOST);
        assertThat(buffer.tick(90 * MS, out)).isEqualTo(Status.AUDIO);
        assertThat(out.rtpTimestamp()).isEqualTo(160);
        assertThat(buffer.partialFrames()).isEqualTo(1);
    }

    @Test
    void aTimestampJumpFarAheadReanchorsTheBuffer() {
        JitterBuffer buffer = JitterBuffer.forG711();
        JitterBuffer.Playout out = new JitterBuffer.Playout(buffer);
        byte[] payload = new byte[160];
        for (int i = 0; i < 10; i++) {
            buffer.offer(PCMU, i * 160L, payload, 0, 160, (i + 1) * 20 * MS);
        }
        assertThat(buffer.offer(PCMU, 80_000 + 1600, payload, 0, 160, 220 * MS)).isEqualTo(Offer.RESYNCED);
        assertThat(buffer.resyncs()).isEqualTo(1);
        buffer.offer(PCMU, 80_000 + 1760, payload, 0, 160, 240 * MS);
        assertThat(buffer.tick(290 * MS, out)).isEqualTo(Status.AUDIO);
        assertThat(out.rtpTimestamp()).isEqualTo(81_600);
    }

    @Test
    void threePacketsFarBehindReanchorTheBufferToo() {
        JitterBuffer buffer = JitterBuffer.forG711();
        JitterBuffer.Playout out = new JitterBuffer.Playout(buffer);
        byte[] payload = new byte[160];
        long t = 0;
        for (int i = 0; i < 60; i++) {
            t = (i + 1) * 20 * MS;
            buffer.offer(PCMU, 1_000_000 + i * 160L, payload, 0, 160, t);
            buffer.tick(t + 5 * MS, out);
        }
        // The sender's timestamps go back 10 s (same stream): two are late, the third re-anchors.
        assertThat(buffer.offer(PCMU, 920_000, payload, 0, 160, t + 20 * MS)).isEqualTo(Offer.TOO_LATE);
        assertThat(buffer.offer(PCMU, 920_160, payload, 0, 160, t + 40 * MS)).isEqualTo(Offer.TOO_LATE);
        assertThat(buffer.offer(PCMU, 920_320, payload, 0, 160, t + 60 * MS)).isEqualTo(Offer.RESYNCED);
        assertThat(buffer.resyncs()).isEqualTo(1);
    }
}
