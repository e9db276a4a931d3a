package org.callvault.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.callvault.media.AudioFormat;
import org.callvault.media.MediaFrame;
import org.callvault.media.Mixer;
import org.callvault.media.Pcm16;
import org.callvault.media.ToneGenerator;
import org.callvault.recording.CallRecorder;
import org.callvault.recording.WavFileWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-frame work of the media path, in ns per 20 ms frame (882 samples at 44.1 kHz).
 * Run: see docs/BENCHMARKS.md ("JMH").
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class MediaPathBenchmark {

    private final AudioFormat format = AudioFormat.DEFAULT;
    private byte[] frame;
    private short[] samples;
    private short[] other;
    private short[] mixed;
    private short[] loud;
    private short[] loudOther;
    private short[] decoded;
    private Path dir;
    private WavFileWriter writer;
    private CallRecorder recorder;
    private long timestamp;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        samples = new ToneGenerator(44_100, 440, 8000).generate(0, 882);
        other = new ToneGenerator(44_100, 880, 8000).generate(0, 882);
        mixed = new short[882];
        loud = new ToneGenerator(44_100, 440, 28_000).generate(0, 882);
        loudOther = new ToneGenerator(44_100, 660, 28_000).generate(0, 882);
        decoded = new short[882];
        frame = new byte[MediaFrame.HEADER_BYTES + 1764];
        Pcm16.encode(samples, 0, samples.length, frame, MediaFrame.HEADER_BYTES);
        MediaFrame.writeHeader(frame, 7, 7 * 882);
        dir = Files.createTempDirectory("jmh-media");
    }

    @Setup(Level.Iteration)
    public void openFiles() throws IOException {
        writer = new WavFileWriter(dir.resolve("w" + System.nanoTime() + ".wav"), 44_100, 1);
        recorder = new CallRecorder(format, false,
                new WavFileWriter(dir.resolve("r" + System.nanoTime() + ".wav"), 44_100, 1), 300);
        timestamp = 0;
    }

    @TearDown(Level.Iteration)
    public void closeFiles() throws IOException {
        writer.close();
        recorder.finish(timestamp + 882);
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** What the network thread does with every incoming frame: check it and read its header. */
    @Benchmark
    public long frameValidateAndHeader() {
        String problem = MediaFrame.validate(frame, MediaFrame.maxFrameBytes(format));
        return (problem == null ? 0 : 1) + MediaFrame.sequence(frame) + MediaFrame.timestamp(frame);
    }

    /** The recorder thread's decode of a frame's PCM16 payload. */
    @Benchmark
    public short[] frameDecode() {
        Pcm16.decode(frame, MediaFrame.HEADER_BYTES, 1764, decoded);
        return decoded;
    }

    /** Mixing the two parties of one frame, with saturation. */
    @Benchmark
    public short[] mix() {
        Mixer.mix(samples, other, mixed);
        return mixed;
    }

    /** Mixing two parties who both talk near full scale: the sum overflows in most samples. */
    @Benchmark
    public short[] mixLoud() {
        Mixer.mix(loud, loudOther, mixed);
        return mixed;
    }

    /** Appending one frame to a WAV file (buffered, page cache). */
    @Benchmark
    public long wavWrite() throws IOException {
        writer.write(samples, 0, samples.length);
        return writer.samplesWritten();
    }

    /**
     * A whole frame period of one call on the recorder thread: both legs' frames placed on the
     * timeline, then the timeline advanced (mix + write).
     */
    @Benchmark
    public long timelinePlaceMixWrite() {
        long now = timestamp + 882 + 4410;
        recorder.accept(0, timestamp, samples, 0, 882, now);
        recorder.accept(1, timestamp, other, 0, 882, now);
        recorder.advance(now);
        timestamp += 882;
        return recorder.samplesWritten();
    }
}
