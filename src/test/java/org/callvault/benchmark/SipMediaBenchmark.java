package org.callvault.benchmark;

import java.util.concurrent.TimeUnit;

import org.callvault.media.G711;
import org.callvault.media.Resampler;
import org.callvault.media.ToneGenerator;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-frame work a SIP leg adds at its edge, in ns per 20 ms frame: G.711 of 160 samples at
 * 8 kHz, and the conversion between 8 kHz and the call's 44.1 kHz in each direction.
 * Run: see docs/BENCHMARKS.md ("G.711 and resampling (JMH)").
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SipMediaBenchmark {

    private short[] narrow;
    private short[] wide;
    private byte[] coded;
    private short[] decoded;
    private short[] upOut;
    private short[] downOut;
    private Resampler up;
    private Resampler down;

    @Setup(Level.Trial)
    public void setUp() {
        narrow = new ToneGenerator(8_000, 1_000, 10_000).generate(0, 160);
        wide = new ToneGenerator(44_100, 1_000, 10_000).generate(0, 882);
        coded = new byte[160];
        decoded = new short[160];
        G711.PCMU.encode(narrow, 0, 160, coded, 0);
        upOut = new short[882];
        downOut = new short[160];
        // One instance each for the whole run: the stream goes on frame after frame, as on a call.
        up = new Resampler(8_000, 44_100);
        down = new Resampler(44_100, 8_000);
    }

    @Benchmark
    public byte[] pcmuEncode() {
        G711.PCMU.encode(narrow, 0, 160, coded, 0);
        return coded;
    }

    @Benchmark
    public short[] pcmuDecode() {
        G711.PCMU.decode(coded, 0, 160, decoded, 0);
        return decoded;
    }

    @Benchmark
    public byte[] pcmaEncode() {
        G711.PCMA.encode(narrow, 0, 160, coded, 0);
        return coded;
    }

    @Benchmark
    public short[] pcmaDecode() {
        G711.PCMA.decode(coded, 0, 160, decoded, 0);
        return decoded;
    }

    /** SIP to browser: 160 samples at 8 kHz to 882 at 44.1 kHz. */
    @Benchmark
    public short[] resample8kTo44k() {
        up.process(narrow, 0, 160, upOut, 0);
        return upOut;
    }

    /** Browser to SIP: 882 samples at 44.1 kHz to 160 at 8 kHz. */
    @Benchmark
    public short[] resample44kTo8k() {
        down.process(wide, 0, 882, downOut, 0);
        return downOut;
    }
}
