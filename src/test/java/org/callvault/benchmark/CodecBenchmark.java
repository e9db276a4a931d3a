package org.callvault.benchmark;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.callvault.media.codec.AudioDecoder;
import org.callvault.media.codec.AudioEncoder;
import org.callvault.media.codec.G722Decoder;
import org.callvault.media.codec.G722Encoder;
import org.callvault.media.codec.OpusCodec;
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
 * The codecs' cost per 20 ms frame (issue 18 point 2: which Opus library): Opus mono 48 kHz at
 * 32 kbit/s through libopus (JNA) and Concentus, and G.722. The signal is voice-like (a 150 Hz
 * pitch with harmonics, a 4 Hz syllable envelope, some noise), one second of it looped, so the
 * encoder works as on speech rather than on a pure tone. Run: see docs/BENCHMARKS.md ("Opus:
 * libopus against Concentus").
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CodecBenchmark {

    private static final int OPUS_FRAME = 960;
    private static final int FRAMES = 50;

    @Param({ "NATIVE", "JAVA" })
    public String opus;

    private short[] voice48;
    private short[] voice16;
    private byte[][] packets;
    private byte[] g722Frame;
    private AudioEncoder opusEncoder;
    private AudioDecoder opusDecoder;
    private final G722Encoder g722Encoder = new G722Encoder();
    private final G722Decoder g722Decoder = new G722Decoder();
    private final byte[] packet = new byte[OpusCodec.MAX_PACKET];
    private final short[] pcm = new short[OpusCodec.MAX_FRAME_SAMPLES];
    private int frame;

    @Setup(Level.Trial)
    public void setUp() {
        OpusCodec.Implementation implementation = OpusCodec.Implementation.valueOf(opus);
        voice48 = voice(48_000);
        voice16 = voice(16_000);
        opusEncoder = OpusCodec.newEncoder(implementation, 32_000);
        opusDecoder = OpusCodec.newDecoder(implementation);
        packets = new byte[FRAMES][];
        AudioEncoder once = OpusCodec.newEncoder(implementation, 32_000);
        for (int i = 0; i < FRAMES; i++) {
            int length = once.encode(voice48, i * OPUS_FRAME, OPUS_FRAME, packet, 0);
            packets[i] = java.util.Arrays.copyOf(packet, length);
        }
        OpusCodec.release(once);
        g722Frame = new byte[160];
        g722Encoder.encode(voice16, 0, 320, g722Frame, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        OpusCodec.release(opusEncoder);
        OpusCodec.release(opusDecoder);
    }

    private static short[] voice(int rate) {
        Random random = new Random(18);
        short[] samples = new short[rate];
        for (int n = 0; n < rate; n++) {
            double t = (double) n / rate;
            double envelope = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t);
            double value = 0;
            for (int harmonic = 1; harmonic <= 20 && harmonic * 150 < rate / 2; harmonic++) {
                value += Math.sin(2 * Math.PI * 150 * harmonic * t) / harmonic;
            }
            samples[n] = (short) (envelope * 5_000 * value + random.nextGaussian() * 300);
        }
        return samples;
    }

    @Benchmark
    public int opusEncode() {
        int index = frame++ % FRAMES;
        return opusEncoder.encode(voice48, index * OPUS_FRAME, OPUS_FRAME, packet, 0);
    }

    @Benchmark
    public int opusDecode() {
        byte[] next = packets[frame++ % FRAMES];
        return opusDecoder.decode(next, 0, next.length, pcm, 0);
    }

    @Benchmark
    public int g722Encode() {
        int index = frame++ % FRAMES;
        return g722Encoder.encode(voice16, index * 320, 320, packet, 0);
    }

    @Benchmark
    public int g722Decode() {
        return g722Decoder.decode(g722Frame, 0, 160, pcm, 0);
    }
}
