package org.callvault.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.callvault.media.AudioFormat;
import org.callvault.media.ToneGenerator;
import org.callvault.media.codec.OpusCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the recorder thread pays per call and 20 ms step for a stereo Ogg Opus recording: both
 * legs placed, mixed (interleaved), and the step handed to the writer, as
 * {@code MediaPathBenchmark.timelinePlaceMixWrite} does for WAV. {@code encoding}:
 * {@code recorder-thread} encodes on the benchmark's thread (as before the encoding pool),
 * {@code pool} hands the step to {@link OggEncoding}. Here, not in the benchmark package: the
 * writer's pool is the recording package's own. Run: docs/BENCHMARKS.md ("Ogg Opus off the recorder thread").
 *
 * <p>Each invocation is one second of the call, 50 steps, timed as one shot; between shots (not
 * timed) the pool catches up. Fed faster than real time without that pause, every step after the
 * first second would find its recording's queue full and take the silence path, which is not what
 * a recorder keeping real time does. The teardown prints how many steps went to silence (0 expected).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(OggRecorderStepBenchmark.STEPS_PER_SHOT)
@Warmup(iterations = 400)
@Measurement(iterations = 400)
@Fork(1)
@State(Scope.Thread)
public class OggRecorderStepBenchmark {

    private static final int STEP = 882;
    static final int STEPS_PER_SHOT = 50;

    @Param({ "recorder-thread", "pool" })
    public String encoding;

    private final AudioFormat format = AudioFormat.DEFAULT;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private short[] caller;
    private short[] agent;
    private Path dir;
    private OggEncoding pool;
    private OggOpusWriter writer;
    private CallRecorder recorder;
    private long timestamp;
    private long steps;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        caller = new ToneGenerator(44_100, 440, 8_000).generate(0, STEP);
        agent = new ToneGenerator(44_100, 1_000, 8_000).generate(0, STEP);
        dir = Files.createTempDirectory("jmh-ogg");
        pool = "pool".equals(encoding) ? new OggEncoding(meters) : null;
        writer = new OggOpusWriter(dir.resolve("r" + System.nanoTime() + ".opus"), 44_100, 2,
                RecordingFormat.OPUS.bitrate(2), RecordingFormat.OPUS_COMPLEXITY,
                (int) format.samplesForMillis(CallRecorder.LATE_AUDIO_KEPT_MILLIS), OpusCodec.implementation(), pool);
        recorder = new CallRecorder(format, true, writer, 300);
        timestamp = 0;
    }

    /** The pool catches up between shots, as it does between a real recorder's steps. */
    @TearDown(Level.Iteration)
    public void drain() throws InterruptedException {
        while (writer.queuedSteps() > 0) {
            Thread.sleep(1);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException, ExecutionException, TimeoutException {
        recorder.finish(timestamp + STEP);
        writer.completion().get(60, TimeUnit.SECONDS);
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        if (pool != null) {
            pool.close();
            System.out.printf("%n%.0f of %d steps written as silence (the queue was full)%n",
                    meters.counter("callvault.recording.encode.dropped.steps").count(), steps);
        }
        Files.deleteIfExists(dir);
    }

    /** One second of a stereo call: 50 × (both legs placed, interleaved, handed to the writer). */
    @Benchmark
    public long oggStereoPlaceMixWrite() {
        for (int k = 0; k < STEPS_PER_SHOT; k++) {
            long now = timestamp + STEP + 4_410;
            recorder.accept(0, timestamp, caller, 0, STEP, now);
            recorder.accept(1, timestamp, agent, 0, STEP, now);
            recorder.advance(now);
            timestamp += STEP;
            steps++;
        }
        return recorder.samplesWritten();
    }
}
