package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.callvault.media.AudioFormat;
import org.junit.jupiter.api.Test;

class RecorderWarmUpTest {

    @Test
    void coversMonoStereoAndLatePatchesAndLeavesNoFileBehind() throws IOException {
        List<RecorderWarmUp.Exercised> runs = RecorderWarmUp.run(AudioFormat.DEFAULT, 300);

        assertThat(runs).extracting(RecorderWarmUp.Exercised::stereo).containsExactly(false, true);
        long expected = (long) RecorderWarmUp.FRAMES * AudioFormat.DEFAULT.samplesPerFrame();
        for (RecorderWarmUp.Exercised run : runs) {
            assertThat(run.samplesWritten()).isEqualTo(expected);
            // 40 frames held back 17 frames (past the 300 ms window): each patched into the file
            assertThat(run.samplesPatched()).isEqualTo(40L * AudioFormat.DEFAULT.samplesPerFrame());
        }
        try (Stream<Path> left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("callvault-warm-up-"));
        }
    }

    @Test
    void withOggRecordingsTheFramesAreEncodedThroughTheOggWriterAndItsPool() throws IOException {
        List<RecorderWarmUp.Exercised> runs = RecorderWarmUp.run(AudioFormat.DEFAULT, 300, RecordingFormat.OPUS);

        assertThat(runs).extracting(RecorderWarmUp.Exercised::stereo).containsExactly(false, true);
        long expected = (long) RecorderWarmUp.FRAMES * AudioFormat.DEFAULT.samplesPerFrame();
        for (RecorderWarmUp.Exercised run : runs) {
            assertThat(run.samplesWritten()).isEqualTo(expected);
            assertThat(run.samplesPatched()).isEqualTo(40L * AudioFormat.DEFAULT.samplesPerFrame());
            // 20 s of two tones, every step encoded (none turned to silence): some 1.5 KB a second at least
            assertThat(run.fileBytes()).as("Ogg bytes, " + (run.stereo() ? "stereo" : "mono")).isGreaterThan(30_000);
        }
        try (Stream<Path> left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("callvault-warm-up-"));
        }
    }
}
