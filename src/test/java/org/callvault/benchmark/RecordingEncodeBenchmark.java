package org.callvault.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.callvault.media.ToneGenerator;
import org.callvault.recording.OggOpusWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the recorder thread pays per call and 20 ms step to write Ogg Opus (issue 18 point 3): one
 * stereo step of 44.1 kHz PCM through the writer, resampled to 48 kHz, encoded at the recording
 * bit rate, paged to a file, at each encoder complexity; and the WAV writer's step beside it. Run:
 * see docs/ARCHITECTURE.md ("Recording formats").
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Thread)
public class RecordingEncodeBenchmark {

    private static final int STEP = 882;

    @Param({ "0", "2", "5", "8", "10" })
    public int complexity;

    private final short[] step = new short[2 * STEP];
    private Path dir;
    private OggOpusWriter writer;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        short[] a = new ToneGenerator(44_100, 440, 6_000).generate(0, STEP);
        short[] b = new ToneGenerator(44_100, 1_000, 6_000).generate(0, STEP);
        for (int i = 0; i < STEP; i++) {
            step[2 * i] = (short) (a[i] + (i * 7919 % 600) - 300);
            step[2 * i + 1] = b[i];
        }
        dir = Files.createTempDirectory("opus-bench");
        writer = new OggOpusWriter(dir.resolve("bench.opus"), 44_100, 2, 30_000, complexity, 5 * 44_100);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        writer.finish();
        Files.deleteIfExists(dir.resolve("bench.opus"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public long stereoStep() throws IOException {
        writer.write(step, 0, step.length);
        return writer.fileBytes();
    }
}
