package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.callvault.media.AudioFormat;
import org.callvault.media.ToneDetector;
import org.callvault.media.ToneGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rings reused from call to call carry nothing of the previous call into the next recording. */
class RingPoolTest {

    private static final AudioFormat FORMAT = AudioFormat.DEFAULT;
    private static final int FRAME = FORMAT.samplesPerFrame();

    @TempDir
    Path dir;

    @Test
    void aReusedRingStartsSilentAndTheRingsGoBackWhenTheRecordingEnds() throws Exception {
        RingPool pool = new RingPool(4);
        ToneGenerator tone = new ToneGenerator(FORMAT.sampleRate(), 440, 8_000);

        // Call 1: the caller talks all along; the call ends with audio still in the rings.
        CallRecorder first = new CallRecorder(FORMAT, false, new WavFileWriter(dir.resolve("1.wav"), FORMAT.sampleRate(), 1),
                300, pool);
        for (int i = 0; i < 100; i++) {
            first.accept(0, (long) i * FRAME, tone.generate((long) i * FRAME, FRAME), 0, FRAME, (long) (i + 1) * FRAME);
            first.advance((long) (i + 1) * FRAME);
        }
        first.finish(90L * FRAME); // ends before what was buffered: the rings still hold a tone
        assertThat(pool.kept()).isEqualTo(2);

        // Call 2 takes the same rings; its caller says nothing: the file must be silence.
        CallRecorder second = new CallRecorder(FORMAT, false,
                new WavFileWriter(dir.resolve("2.wav"), FORMAT.sampleRate(), 1), 300, pool);
        assertThat(pool.kept()).isZero();
        for (int i = 0; i < 100; i++) {
            second.advance((long) (i + 1) * FRAME);
        }
        second.finish(100L * FRAME);
        assertThat(pool.kept()).isEqualTo(2);

        short[] firstFile = WavTestFiles.read(dir.resolve("1.wav")).samples();
        short[] secondFile = WavTestFiles.read(dir.resolve("2.wav")).samples();
        assertThat(firstFile).hasSize(90 * FRAME);
        assertThat(ToneDetector.relativePower(firstFile, 40 * FRAME, 40 * FRAME, 440, FORMAT.sampleRate()))
                .isGreaterThan(0.99);
        assertThat(secondFile).hasSize(100 * FRAME);
        assertThat(ToneDetector.rms(secondFile, 0, secondFile.length)).isZero();
    }

    @Test
    void thePoolKeepsNoMoreThanItsLimitAndOnlyRingsOfTheAskedSize() {
        RingPool pool = new RingPool(1);
        short[] a = pool.take(10);
        short[] b = pool.take(10);
        pool.give(a);
        pool.give(b);
        assertThat(pool.kept()).isEqualTo(1);
        assertThat(pool.take(20)).hasSize(20);
        assertThat(pool.kept()).isZero();
    }
}
