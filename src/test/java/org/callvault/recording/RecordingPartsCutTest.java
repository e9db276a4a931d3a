package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.callvault.media.AudioFormat;
import org.callvault.media.ToneDetector;
import org.callvault.media.ToneGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stretch of the call left out of the file (a SIPREC pause with {@code paused-audio: omit}): the
 * file is as long as the call minus the cut, the audio on both sides of the cut is whole and meets
 * without a gap, and what the legs sent during the cut is not in it.
 */
class RecordingPartsCutTest {

    private static final AudioFormat FORMAT = AudioFormat.DEFAULT;
    private static final int RATE = FORMAT.sampleRate();
    private static final int FRAME = FORMAT.samplesPerFrame();
    private static final RecordingParts.Listener QUIET = new RecordingParts.Listener() {
        @Override
        public void interrupted(int part, boolean diskFull, Exception cause) {
        }

        @Override
        public void resumed(int part) {
        }
    };

    @TempDir
    Path dir;

    /**
     * @param delay frames between a frame's sending and its delivery (a SIP leg's jitter buffer):
     *              the pause and the resume are announced when they happen, the cut placed that
     *              delay plus a tick later, as {@code CallService} does, so the frames sent before
     *              the pause and delivered after it are in the file
     */
    @ParameterizedTest(name = "delivered {0} frames after sending")
    @ValueSource(ints = {0, 5})
    void aCutIsLeftOutAndTheAudioOnEitherSideMeets(int delay) throws Exception {
        Path file = dir.resolve("cut.wav");
        RecordingParts parts = new RecordingParts(file, FORMAT, true, 300, () -> true, QUIET);
        ToneGenerator left = new ToneGenerator(RATE, 440, 8_000);
        ToneGenerator right = new ToneGenerator(RATE, 880, 8_000);
        ToneGenerator loud = new ToneGenerator(RATE, 1_500, 8_000); // sent during the cut: must not be in the file
        int cutFrom = 100; // frames: 2 s of talk, a 3 s pause, 2 s of talk
        int cutUntil = 250;
        int end = 350;
        long playout = delay == 0 ? 0 : (long) (delay + 1) * FRAME;
        parts.start(0);
        for (int tick = 0; tick < end; tick++) {
            long now = (long) (tick + 1) * FRAME;
            if (tick == cutFrom) {
                parts.omitFrom((long) tick * FRAME + playout);
            }
            if (tick == cutUntil) {
                parts.omitUntil((long) tick * FRAME + playout);
            }
            int sent = tick - delay;
            if (sent >= 0) {
                long timestamp = (long) sent * FRAME; // the legs' clocks run on through the pause, as a SIP leg's does
                boolean inCut = sent >= cutFrom && sent < cutUntil;
                parts.accept(0, timestamp, (inCut ? loud : left).generate(timestamp, FRAME), 0, FRAME, now);
                parts.accept(1, timestamp, (inCut ? loud : right).generate(timestamp, FRAME), 0, FRAME, now);
            }
            parts.advance(now);
        }
        RecordingParts.Outcome outcome = parts.finish((long) end * FRAME);

        long expected = (long) (end - (cutUntil - cutFrom)) * FRAME;
        assertThat(outcome.firstPartSamples()).as("the call minus the pause's length").isEqualTo(expected);
        WavTestFiles.Wav wav = WavTestFiles.read(file);
        short[] l = wav.channel(0);
        short[] r = wav.channel(1);
        assertThat(l).hasSize((int) expected);
        // Before, across and after the cut (2 s): the tones go on without a gap or the cut's audio.
        for (int from : new int[] { RATE / 2, 2 * RATE - RATE / 4, 3 * RATE }) {
            from += delay * FRAME;
            assertThat(ToneDetector.relativePower(l, from, RATE / 2, 440, RATE)).as("left at %d", from)
                    .isGreaterThan(0.95);
            assertThat(ToneDetector.relativePower(r, from, RATE / 2, 880, RATE)).as("right at %d", from)
                    .isGreaterThan(0.95);
            assertThat(ToneDetector.relativePower(l, from, RATE / 2, 1_500, RATE)).as("cut audio at %d", from)
                    .isLessThan(0.01);
        }
        // Silence only where nothing had been delivered yet (the start) or no more (the end).
        int quietSamples = 0;
        for (int i = (delay + 1) * FRAME; i < l.length - (delay + 1) * FRAME; i++) {
            quietSamples += Math.abs(l[i]) < 50 && Math.abs(l[i - 1]) < 50 ? 1 : 0;
        }
        assertThat(quietSamples).as("no silence where the cut was").isLessThan(FRAME / 4);
    }

    /**
     * Ended during a cut, or before a resume announced ahead (by the streams' playout delay) took
     * effect: either way the file ends where the cut began. Frames: the pause announced at 120 for
     * {@code cutFrom}, the resume (if any) announced at 190 for {@code resumeAt}, the end at {@code end}.
     */
    @ParameterizedTest(name = "cut from {0}, resumed at {1}, ended at {2}")
    @CsvSource({ "120, -1, 200", "125, 195, 193" })
    void aRecordingThatEndsDuringACutEndsWhereTheCutBegan(int cutFrom, int resumeAt, int end) throws Exception {
        Path file = dir.resolve("ends-paused.wav");
        RecordingParts parts = new RecordingParts(file, FORMAT, false, 300, () -> true, QUIET);
        ToneGenerator tone = new ToneGenerator(RATE, 440, 8_000);
        parts.start(0);
        for (int frame = 0; frame < end; frame++) {
            long now = (long) (frame + 1) * FRAME;
            if (frame == 120) {
                parts.omitFrom((long) cutFrom * FRAME);
            }
            if (frame == 190 && resumeAt >= 0) {
                parts.omitUntil((long) resumeAt * FRAME);
            }
            parts.accept(0, (long) frame * FRAME, tone.generate((long) frame * FRAME, FRAME), 0, FRAME, now);
            parts.advance(now);
        }
        RecordingParts.Outcome outcome = parts.finish((long) end * FRAME);

        assertThat(outcome.firstPartSamples()).isEqualTo((long) cutFrom * FRAME);
        short[] samples = WavTestFiles.read(file).samples();
        // The jitter window still held the last 300 ms before the cut: written, not lost (up to the
        // last frame, which arrives at the cut's start when that was announced ahead).
        assertThat(ToneDetector.relativePower(samples, samples.length - FRAME - RATE / 4, RATE / 4, 440, RATE))
                .isGreaterThan(0.95);
    }
}
