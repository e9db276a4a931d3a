package org.callvault.loadtool;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A sine tone precomputed as PCM16 little-endian over one exact period plus one frame, so that the
 * samples of any frame are one contiguous slice: frame audio for sample index {@code s} starts at
 * byte {@link #byteOffset(long)} and runs for {@code samplesPerFrame * 2} bytes.
 */
final class Tone {

    /** Amplitude of every tone: two of them mixed stay well below full scale. */
    static final int AMPLITUDE = 8000;

    private static final ConcurrentHashMap<String, Tone> CACHE = new ConcurrentHashMap<>();

    final int frequency;
    final int sampleRate;
    final int periodSamples;
    final int samplesPerFrame;
    final byte[] pcm;
    /** Read-only view of {@link #pcm}; only absolute gets are used on it, so it is shared freely. */
    final ByteBuf buf;

    private Tone(int frequency, int sampleRate, int samplesPerFrame) {
        this.frequency = frequency;
        this.sampleRate = sampleRate;
        this.samplesPerFrame = samplesPerFrame;
        this.periodSamples = periodSamples(frequency, sampleRate);
        int total = periodSamples + samplesPerFrame;
        this.pcm = new byte[total * 2];
        for (int i = 0; i < total; i++) {
            short v = sample(frequency, sampleRate, i % periodSamples);
            pcm[2 * i] = (byte) v;
            pcm[2 * i + 1] = (byte) (v >> 8);
        }
        this.buf = Unpooled.wrappedBuffer(pcm).asReadOnly();
    }

    static Tone of(int frequency, int sampleRate, int samplesPerFrame) {
        return CACHE.computeIfAbsent(frequency + "/" + sampleRate + "/" + samplesPerFrame,
                k -> new Tone(frequency, sampleRate, samplesPerFrame));
    }

    /** Smallest number of samples after which the sampled sine repeats exactly. */
    static int periodSamples(int frequency, int sampleRate) {
        if (frequency <= 0 || frequency * 2 > sampleRate) {
            throw new IllegalArgumentException("frequency " + frequency + " Hz is not in (0, " + sampleRate / 2 + "]");
        }
        return sampleRate / gcd(frequency, sampleRate);
    }

    static short sample(int frequency, int sampleRate, long index) {
        return (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * frequency * (double) index / sampleRate));
    }

    int byteOffset(long sampleIndex) {
        return (int) (sampleIndex % periodSamples) * 2;
    }

    int frameBytes() {
        return samplesPerFrame * 2;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** Caller leg of call {@code i}: 300 Hz + (i mod 50) * 10 Hz. */
    static int callerFrequency(int callIndex) {
        return 300 + (callIndex % 50) * 10;
    }

    /** Agent leg of call {@code i}: 2000 Hz + (i mod 50) * 10 Hz. */
    static int agentFrequency(int callIndex) {
        return 2000 + (callIndex % 50) * 10;
    }

    /**
     * SIP caller of call {@code i}: 302 Hz + (i mod 20) * 50 Hz (302..1252 Hz, below G.711's 3.4 kHz
     * and apart from the agents' tones). Each of them advances by {@link #SIP_STEP_CYCLES} of a cycle
     * (mod 1) per 20 ms packet, so the phase of a packet's audio tells how many packets are missing
     * before it (see {@link MediaLeg}).
     */
    static int sipCallerFrequency(int callIndex) {
        return 302 + (callIndex % 20) * 50;
    }

    /** Phase advance of a SIP caller tone per 20 ms, in cycles mod 1: 302 Hz * 0.02 s = 6.04. */
    static final double SIP_STEP_CYCLES = 0.04;
}
