package org.callvault.benchmark;

import java.util.concurrent.TimeUnit;

import org.callvault.media.AudioFormat;
import org.callvault.media.FrameSink;
import org.callvault.media.MediaFrame;
import org.callvault.media.ToneGenerator;
import org.callvault.media.codec.OpusWire;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-frame work of each browser-wire path (issue 18 point 2), one 20 ms frame per operation,
 * with the codec this process chose (libopus where it loads): what an Opus talker's edge does for
 * every frame (decode once, 48 → 44.1 kHz for the recorder and PCM listeners), what an Opus
 * listener's sink does for a PCM talker (44.1 → 48 kHz, encode), and for an Opus talker (pass the
 * frame on). Run: docs/BENCHMARKS.md ("Opus on the browser wire").
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class OpusWireBenchmark {

    private static final int FRAMES = 50;

    private byte[][] opusFrames;
    private byte[][] pcmFrames;
    private OpusWire.Inbound inbound;
    private OpusWire.Outbound outbound;
    private Blackhole sink;
    private int frame;

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        sink = blackhole;
        AudioFormat call = AudioFormat.DEFAULT;
        ToneGenerator tone = new ToneGenerator(call.sampleRate(), 440, 8000);
        pcmFrames = new byte[FRAMES][];
        java.util.List<byte[]> encoded = new java.util.ArrayList<>();
        FrameSink collect = new FrameSink() {
            @Override
            public void offer(byte[] f) {
                encoded.add(f);
            }

            @Override
            public void close() {
            }
        };
        OpusWire.Outbound once = new OpusWire.Outbound(collect, call);
        for (int i = 0; i < FRAMES; i++) {
            short[] samples = tone.generate(882L * i, 882);
            byte[] f = new byte[16 + 2 * 882];
            MediaFrame.writeHeader(f, i, 882L * i);
            for (int s = 0; s < 882; s++) {
                f[16 + 2 * s] = (byte) samples[s];
                f[17 + 2 * s] = (byte) (samples[s] >> 8);
            }
            pcmFrames[i] = f;
            once.offer(f);
        }
        once.release();
        opusFrames = encoded.toArray(new byte[0][]);
        inbound = new OpusWire.Inbound(call);
        outbound = new OpusWire.Outbound(new FrameSink() {
            @Override
            public void offer(byte[] f) {
                sink.consume(f);
            }

            @Override
            public void close() {
            }
        }, call);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        inbound.close();
        outbound.release();
    }

    /** Every frame of an Opus talker: validate, decode, 48 → 44.1 kHz (the recorder's PCM). */
    @Benchmark
    public byte[] opusTalkerDecodeOnce() {
        byte[] next = opusFrames[frame++ % opusFrames.length];
        OpusWire.validate(next);
        return inbound.decode(next);
    }

    /** Opus talker → Opus listener: the frame passes through as it came. */
    @Benchmark
    public void opusToOpusRelay() {
        byte[] next = opusFrames[frame++ % opusFrames.length];
        outbound.offer(next, null);
    }

    /** PCM talker (browser or SIP) → Opus listener: 44.1 → 48 kHz, encode. */
    @Benchmark
    public void pcmToOpusEncode() {
        outbound.offer(pcmFrames[frame++ % FRAMES]);
    }
}
