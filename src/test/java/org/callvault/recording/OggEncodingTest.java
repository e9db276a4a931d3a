package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.callvault.media.ToneGenerator;
import org.callvault.media.codec.OpusCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Ogg encoding pool: per-recording order, the one-second bound, and finishing behind the queue. */
class OggEncodingTest {

    private static final int RATE = 44_100;
    private static final int STEP = RATE / 50;
    private static final double AMPLITUDE = 8_000;
    private static final String DROPPED = "callvault.recording.encode.dropped.steps";

    @TempDir
    Path dir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void eachLaneRunsItsTasksInOrderAndNeverTwoAtOnce() throws Exception {
        int lanes = 4;
        int tasks = 2_000;
        try (OggEncoding encoding = new OggEncoding(3, Integer.MAX_VALUE, meters)) {
            List<List<Integer>> seen = new ArrayList<>();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            AtomicInteger overlaps = new AtomicInteger();
            for (int l = 0; l < lanes; l++) {
                OggEncoding.Lane lane = encoding.newLane();
                List<Integer> order = new ArrayList<>(); // plain list: the lane's hand-over must make it safe
                AtomicInteger running = new AtomicInteger();
                seen.add(order);
                for (int t = 0; t < tasks; t++) {
                    int number = t;
                    lane.step(() -> {
                        if (running.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        order.add(number);
                        running.decrementAndGet();
                    }, () -> order.add(-1));
                }
                done.add(lane.last(() -> order.add(tasks)));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(overlaps).hasValue(0);
            for (List<Integer> order : seen) {
                assertThat(order).hasSize(tasks + 1);
                for (int t = 0; t <= tasks; t++) {
                    assertThat(order.get(t)).isEqualTo(t);
                }
            }
        }
        assertThat(meters.counter(DROPPED).count()).isZero();
    }

    /** Stereo too: there the silent packet is a two-stream packet, both streams silent. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aStepThatFindsASecondQueuedIsWrittenAsSilenceAndTheFileKeepsItsExactLength(int channels) throws Exception {
        Path file = dir.resolve("full.opus");
        CountDownLatch release = new CountDownLatch(1);
        int steps = 60;
        int after = 25;
        try (OggEncoding encoding = new OggEncoding(1, OggEncoding.MAX_QUEUED_STEPS, meters)) {
            OggEncoding.Lane blocker = block(encoding, release);
            OggOpusWriter writer = new OggOpusWriter(file, RATE, channels, RecordingFormat.OPUS.bitrate(channels),
                    RecordingFormat.OPUS_COMPLEXITY, 0, OpusCodec.implementation(), encoding);
            ToneGenerator tone = new ToneGenerator(RATE, 1_000, AMPLITUDE);
            writeTone(writer, tone, 0, steps);
            assertThat(meters.counter(DROPPED).count()).as("steps beyond the second queued").isEqualTo(10);
            release.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.queuedSteps() == 0);
            assertThat(meters.counter(DROPPED).count()).isEqualTo(10);
            // The encoder, reset after the silent packets, goes on with the tone as before.
            writeTone(writer, tone, steps, after);
            writer.finish();
            assertThat(writer.completion().get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(blocker.queuedSteps()).isZero();
        }
        short[] decoded = OggOpusWriterTest.decodeAll(file, channels);
        assertThat(decoded.length / channels).as("48 kHz frames: every step, the silent ones too")
                .isEqualTo(Math.round((steps + after) * STEP * 48_000.0 / RATE));
        int stepAt48k = 960 * channels;
        // Steps 1..48 encoded (the first and the one next to the silence left out: attack and filters).
        assertThat(rms(decoded, stepAt48k, 48 * stepAt48k)).isGreaterThan(AMPLITUDE / 2);
        // Steps 51..59: written as silence.
        assertThat(rms(decoded, 51 * stepAt48k, 60 * stepAt48k)).isLessThan(AMPLITUDE / 100);
        // The tone again, in its place, in every channel: its phase goes on from the steps before the silence.
        for (int c = 0; c < channels; c++) {
            OggOpusWriterTest.Tone resumed = OggOpusWriterTest.analyse(
                    java.util.Arrays.copyOfRange(decoded, 61 * stepAt48k, (steps + after) * stepAt48k), channels, c,
                    -4_800);
            assertThat(resumed.levelDb()).as("level after the silence, dB, channel " + c).isBetween(-1.5, 1.5);
            assertThat(resumed.snrDb()).as("SNR after the silence, dB, channel " + c).isGreaterThanOrEqualTo(20);
        }
    }

    @Test
    void finishingWaitsForTheQueuedStepsBeforeTheFileIsClosed() throws Exception {
        Path file = dir.resolve("finish.opus");
        CountDownLatch release = new CountDownLatch(1);
        int steps = 30;
        try (OggEncoding encoding = new OggEncoding(1, OggEncoding.MAX_QUEUED_STEPS, meters)) {
            block(encoding, release);
            OggOpusWriter writer = new OggOpusWriter(file, RATE, 2, RecordingFormat.OPUS.bitrate(2),
                    RecordingFormat.OPUS_COMPLEXITY, RATE / 10, OpusCodec.implementation(), encoding);
            writeTone(writer, new ToneGenerator(RATE, 1_000, AMPLITUDE), 0, steps);
            long headersOnly = Files.size(file);
            writer.finish();
            assertThat(writer.isOpen()).isFalse();
            assertThat(writer.completion()).as("the steps are still queued").isNotDone();
            assertThat(Files.size(file)).as("nothing encoded yet").isEqualTo(headersOnly);
            release.countDown();
            assertThat(writer.completion().get(30, TimeUnit.SECONDS)).isTrue();
        }
        List<OggPages.Page> pages = OggOpusWriterTest.pages(file);
        assertThat(pages.get(pages.size() - 1).eos()).isTrue();
        short[] decoded = OggOpusWriterTest.decodeAll(file, 2);
        assertThat(decoded.length / 2).isEqualTo(Math.round(steps * STEP * 48_000.0 / RATE));
        assertThat(meters.counter(DROPPED).count()).isZero();
        // The tone lasts to the end: the queued steps and the held tail all reached the file.
        assertThat(rms(decoded, decoded.length - 2 * 4 * 960, decoded.length - 2 * 960)).isGreaterThan(AMPLITUDE / 4);
    }

    @Test
    void anAbandonedRecordingIsClosedByItsLaneAndRepairsToWhatReachedTheDisk() throws Exception {
        Path file = dir.resolve("abandoned.opus");
        int steps = 120;
        try (OggEncoding encoding = new OggEncoding(1, OggEncoding.MAX_QUEUED_STEPS, meters)) {
            OggOpusWriter writer = new OggOpusWriter(file, RATE, 2, RecordingFormat.OPUS.bitrate(2),
                    RecordingFormat.OPUS_COMPLEXITY, 0, OpusCodec.implementation(), encoding);
            ToneGenerator tone = new ToneGenerator(RATE, 1_000, AMPLITUDE);
            writeTone(writer, tone, 0, steps);
            // Abandoned while the lane is still at work: at least its first page (a second) is out.
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.fileBytes() > 2_000);
            // A write failed (as RecordingParts sees it): the part is closed where it stands.
            writer.abandon();
            assertThat(writer.completion()).isCompletedWithValue(false);
            assertThat(writer.isOpen()).isFalse();
        }
        long before = Files.size(file);
        OggRepair.Result repaired = OggRepair.repair(file);
        assertThat(repaired.samples()).as("frames kept, at 44.1 kHz").isBetween((long) STEP, (long) steps * STEP);
        assertThat(Files.size(file)).isLessThanOrEqualTo(before);
        List<OggPages.Page> pages = OggOpusWriterTest.pages(file);
        assertThat(pages.get(pages.size() - 1).eos()).isTrue();
        short[] decoded = OggOpusWriterTest.decodeAll(file, 2);
        assertThat(decoded.length / 2).isCloseTo((int) (repaired.durationMillis() * 48), within(48));
    }

    /** Takes the pool's (one) thread until {@code release}: the steps queue up behind it. */
    private static OggEncoding.Lane block(OggEncoding encoding, CountDownLatch release) {
        OggEncoding.Lane blocker = encoding.newLane();
        blocker.last(() -> {
            try {
                release.await();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return blocker;
    }

    private static void writeTone(OggOpusWriter writer, ToneGenerator tone, int first, int steps) throws Exception {
        int channels = writer.channels();
        short[] one = new short[STEP];
        short[] step = new short[STEP * channels];
        for (int k = first; k < first + steps; k++) {
            tone.fill(one, 0, STEP, (long) k * STEP);
            for (int i = 0; i < STEP; i++) {
                for (int c = 0; c < channels; c++) {
                    step[i * channels + c] = one[i];
                }
            }
            writer.write(step, 0, step.length);
        }
    }

    private static double rms(short[] pcm, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) pcm[i] * pcm[i];
        }
        return Math.sqrt(sum / (to - from));
    }
}
