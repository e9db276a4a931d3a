package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.callvault.media.AudioFormat;
import org.callvault.media.ToneDetector;
import org.callvault.media.ToneGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Below the free-space floor no file is opened: the recording waits, partial, and starts when space returns. */
class RecordingPartsTest {

    private static final AudioFormat FORMAT = AudioFormat.DEFAULT;
    private static final int RATE = FORMAT.sampleRate();
    private static final int FRAME = FORMAT.samplesPerFrame();

    @TempDir
    Path dir;

    @Test
    void aRecordingThatFindsNoSpaceWaitsForItAndStartsItsFirstPartThen() throws Exception {
        AtomicBoolean space = new AtomicBoolean(false);
        List<String> told = new ArrayList<>();
        Path first = dir.resolve("2026/12/02/call.wav");
        RecordingParts parts = new RecordingParts(first, FORMAT, false, 300, space::get, new RecordingParts.Listener() {
            @Override
            public void interrupted(int part, boolean diskFull, Exception cause) {
                told.add("interrupted " + part + (diskFull ? " disk full" : ""));
            }

            @Override
            public void resumed(int part) {
                told.add("resumed " + part);
            }
        });
        ToneGenerator tone = new ToneGenerator(RATE, 440, 8_000);

        parts.start(0);
        for (int frame = 0; frame < 100; frame++) { // 2 s without space: nothing written
            long now = (long) (frame + 1) * FRAME;
            parts.accept(0, (long) frame * FRAME, tone.generate((long) frame * FRAME, FRAME), 0, FRAME, now);
            parts.advance(now);
            if (frame == 60) {
                assertThat(Files.exists(first)).as("no file below the floor").isFalse();
                space.set(true);
            }
        }
        // Space came back at 1.22 s; space is looked for once a second (0 s, 1 s, 2 s): part 1 opens at 2 s.
        for (int frame = 100; frame < 250; frame++) {
            long now = (long) (frame + 1) * FRAME;
            parts.accept(0, (long) frame * FRAME, tone.generate((long) frame * FRAME, FRAME), 0, FRAME, now);
            parts.advance(now);
        }
        RecordingParts.Outcome outcome = parts.finish(250L * FRAME);

        assertThat(told).containsExactly("interrupted 0 disk full", "resumed 1");
        assertThat(outcome.parts()).isEqualTo(1);
        assertThat(outcome.partial()).isTrue();
        assertThat(outcome.error()).isNull();
        long opened = 100L * FRAME;
        assertThat(outcome.firstPartSamples()).isEqualTo(250L * FRAME - opened);
        WavTestFiles.Wav wav = WavTestFiles.read(first);
        assertThat(wav.samples()).hasSize((int) (250L * FRAME - opened));
        assertThat(ToneDetector.relativePower(wav.samples(), RATE, RATE, 440, RATE)).isGreaterThan(0.99);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(first)))
                .isEqualTo("rw-------");
    }

    @Test
    void aRecorderThatStartsLateStillRecordsTheWholeAnsweredTime() throws Exception {
        Path first = dir.resolve("late.wav");
        RecordingParts parts = new RecordingParts(first, FORMAT, false, 300, () -> true, new RecordingParts.Listener() {
            @Override
            public void interrupted(int part, boolean diskFull, Exception cause) {
            }

            @Override
            public void resumed(int part) {
            }
        });
        ToneGenerator tone = new ToneGenerator(RATE, 440, 8_000);
        long late = 4L * FRAME; // the recorder thread saw the start 80 ms after the answer (a GC pause)

        parts.start(late);
        for (int frame = 4; frame < 100; frame++) {
            long now = (long) (frame + 1) * FRAME;
            parts.accept(0, (long) frame * FRAME, tone.generate((long) frame * FRAME, FRAME), 0, FRAME, now);
            parts.advance(now);
        }
        RecordingParts.Outcome outcome = parts.finish(100L * FRAME);

        assertThat(outcome.partial()).isFalse();
        assertThat(outcome.firstPartSamples()).isEqualTo(100L * FRAME);
        assertThat(WavTestFiles.read(first).samples()).hasSize(100 * FRAME);
    }

    @Test
    void laterPartsSitBesideTheFirst() {
        Path first = dir.resolve("2026/12/02/5f0c.wav");
        assertThat(RecordingParts.partFile(first, 1)).isEqualTo(first);
        assertThat(RecordingParts.partFile(first, 2)).isEqualTo(dir.resolve("2026/12/02/5f0c.part2.wav"));
        assertThat(RecordingSidecar.fileFor(first)).isEqualTo(dir.resolve("2026/12/02/5f0c.json"));
    }
}
