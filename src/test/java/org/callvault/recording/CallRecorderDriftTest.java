package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import org.callvault.media.AudioFormat;
import org.callvault.media.Pcm16;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An hour-long call whose two senders have sound cards 100 ppm fast and 100 ppm slow against the
 * server: uncorrected, each voice would end up 0.36 s off, in opposite directions.
 *
 * <p>To keep the test fast it runs at 8 kHz with constant-level audio (no sine for an hour) and
 * drops a loud marker frame into each leg every five minutes of the sender's time; the markers
 * are found in the file to check placement from the outside, while the recorder's own view of
 * each leg's position is sampled every ten seconds of the simulation.
 */
class CallRecorderDriftTest {

    private static final AudioFormat FORMAT = new AudioFormat(8_000, 20);
    private static final int RATE = FORMAT.sampleRate();
    private static final int FRAME = FORMAT.samplesPerFrame(); // 160
    private static final long HOUR = 3_600L * RATE;
    /** Constant one-way network delay, in samples (5 ms). */
    private static final long DELAY = 40;
    private static final long MARKER_EVERY = 5 * 60 * RATE;
    private static final short MARKER_LEVEL = 12_000;

    @TempDir
    Path dir;

    /** A sender whose clock produces {@code ratio} of its samples per server sample. */
    private static final class Sender {

        final int track;
        final double ratio;
        final short level;
        final long markerOffset;
        final short[] plain = new short[FRAME];
        final short[] marker = new short[FRAME];
        long nextFrame;

        Sender(int track, double ppm, short level, long markerOffset) {
            this.track = track;
            this.ratio = 1 + ppm / 1e6;
            this.level = level;
            this.markerOffset = markerOffset;
            Arrays.fill(plain, level);
            Arrays.fill(marker, MARKER_LEVEL);
        }

        long timestampOf(long frame) {
            return frame * FRAME;
        }

        /** Server time at which the sender's sample {@code timestamp} is heard (captured + delay). */
        double heardAt(long timestamp) {
            return timestamp / ratio + DELAY;
        }

        /** The frame arrives when its last sample has been captured, plus the network delay. */
        long arrivalOf(long frame) {
            return (long) Math.floor(heardAt(timestampOf(frame + 1)));
        }

        boolean isMarker(long frame) {
            return timestampOf(frame) % MARKER_EVERY == markerOffset;
        }
    }

    @Test
    void legsWithFastAndSlowClocksStayInStepForAnHourAndTheFileLengthIsExact() throws Exception {
        Path file = dir.resolve("hour.wav");
        CallRecorder recorder = new CallRecorder(FORMAT, false, new WavFileWriter(file, RATE, 1), 100);
        Sender fast = new Sender(CallRecorder.CALLER, +100, (short) 1_000, MARKER_EVERY / 4);
        Sender slow = new Sender(CallRecorder.AGENT, -100, (short) 500, 3 * MARKER_EVERY / 4);
        Sender[] senders = { fast, slow };
        long[] worstError = new long[2];

        for (long now = FRAME; now <= HOUR; now += FRAME) {
            // Deliver every frame that has arrived by this tick, in arrival order across legs.
            while (true) {
                Sender next = fast.arrivalOf(fast.nextFrame) <= slow.arrivalOf(slow.nextFrame) ? fast : slow;
                long arrival = next.arrivalOf(next.nextFrame);
                if (arrival > now) {
                    break;
                }
                long frame = next.nextFrame++;
                short[] samples = next.isMarker(frame) ? next.marker : next.plain;
                recorder.accept(next.track, next.timestampOf(frame), samples, 0, FRAME, arrival);
            }
            recorder.advance(now);
            if (now % (10L * RATE) == 0) {
                for (Sender sender : senders) {
                    long latest = sender.timestampOf(sender.nextFrame - 1);
                    long error = Math.round(recorder.timelinePositionOf(sender.track, latest) - sender.heardAt(latest));
                    worstError[sender.track] = Math.max(worstError[sender.track], Math.abs(error));
                }
            }
        }
        RecordingResult result = recorder.finish(HOUR);

        // Length follows the server clock exactly, whatever the senders' clocks did.
        assertThat(result.samples()).isEqualTo(HOUR);
        assertThat(Files.size(file)).isEqualTo(44 + 2 * HOUR);
        assertThat(WavHeader.parse(WavTestFiles.headerBytes(file)).dataBytes()).isEqualTo(2 * HOUR);

        // Each leg stays within a frame of where the server heard it, all hour long.
        assertThat(worstError[CallRecorder.CALLER]).as("fast leg, worst placement error").isLessThanOrEqualTo(FRAME);
        assertThat(worstError[CallRecorder.AGENT]).as("slow leg, worst placement error").isLessThanOrEqualTo(FRAME);

        // The fast leg had 2880 samples too many over the hour, the slow one 2880 too few; the
        // corrections made up for them (less what the dead band tolerates at the end).
        assertThat(result.driftSamplesSkipped()).isBetween(2_880L - FRAME, 2_880L + FRAME);
        assertThat(result.driftSamplesPadded()).isBetween(2_880L - FRAME, 2_880L + FRAME);
        assertThat(result.tooLateFrames()).isZero();
        assertThat(result.tooEarlyFrames()).isZero();
        assertThat(result.resyncs()).isZero();

        // And from the outside: every marker starts within a frame of when it was heard.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int markersChecked = 0;
            for (Sender sender : senders) {
                for (long timestamp = sender.markerOffset; sender.heardAt(timestamp) + 2 * FRAME < HOUR;
                        timestamp += MARKER_EVERY) {
                    long expected = Math.round(sender.heardAt(timestamp));
                    long found = markerOnset(channel, expected - 2 * FRAME, 4 * FRAME);
                    assertThat(Math.abs(found - expected)).as("marker of track %d at %d", sender.track, timestamp)
                            .isLessThanOrEqualTo(FRAME);
                    markersChecked++;
                }
            }
            assertThat(markersChecked).isEqualTo(24);
        }
    }

    /** Index of the first sample in {@code [from, from + length)} at marker level, or -1. */
    private static long markerOnset(FileChannel channel, long from, int length) throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate(2 * length);
        channel.read(bytes, WavHeader.SIZE + 2 * from);
        bytes.flip();
        short[] samples = Pcm16.decode(bytes);
        for (int i = 0; i < samples.length; i++) {
            if (samples[i] > MARKER_LEVEL / 2) {
                return from + i;
            }
        }
        return -1;
    }
}
