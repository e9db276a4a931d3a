package org.callvault.media;

import java.util.Objects;

/**
 * A sine source addressed by sample index: {@code fill(dst, .., startSample)} writes samples
 * {@code startSample, startSample + 1, ...} of one endless tone, so frames generated separately
 * (and in any order) join without a phase jump, just like frames cut from one recording.
 *
 * <p>The phase at the start of each fill is computed exactly from the index; inside a fill the
 * sine advances by rotating a unit vector (four multiplies a sample instead of a {@code Math.sin}
 * call), which keeps the load tool cheap. The rotation's rounding error over one fill is far below
 * one PCM16 step.
 */
public final class ToneGenerator {

    private final int sampleRate;
    private final double frequency;
    private final double amplitude;
    private final double stepCos;
    private final double stepSin;
    private final double fractionalFrequency;

    /**
     * @param frequency hertz, {@code 0 < frequency < sampleRate / 2}
     * @param amplitude peak in sample units, 0..32767
     */
    public ToneGenerator(int sampleRate, double frequency, double amplitude) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive, got " + sampleRate);
        }
        if (!(frequency > 0 && frequency < sampleRate / 2.0)) {
            throw new IllegalArgumentException("frequency must be above 0 and below " + sampleRate / 2.0
                    + " Hz, got " + frequency);
        }
        if (!(amplitude >= 0 && amplitude <= Short.MAX_VALUE)) {
            throw new IllegalArgumentException("amplitude must be 0..32767, got " + amplitude);
        }
        this.sampleRate = sampleRate;
        this.frequency = frequency;
        this.amplitude = amplitude;
        double step = 2 * Math.PI * frequency / sampleRate;
        this.stepCos = Math.cos(step);
        this.stepSin = Math.sin(step);
        this.fractionalFrequency = frequency - Math.floor(frequency);
    }

    public double frequency() {
        return frequency;
    }

    public double amplitude() {
        return amplitude;
    }

    /** Writes samples {@code startSample .. startSample + length - 1} of the tone into {@code dst[offset..]}. */
    public void fill(short[] dst, int offset, int length, long startSample) {
        Objects.checkFromIndexSize(offset, length, dst.length);
        double phase = 2 * Math.PI * cyclesAt(startSample);
        double cos = Math.cos(phase);
        double sin = Math.sin(phase);
        for (int i = 0; i < length; i++) {
            dst[offset + i] = Pcm16.clamp(Math.round(amplitude * sin));
            double nextCos = cos * stepCos - sin * stepSin;
            sin = sin * stepCos + cos * stepSin;
            cos = nextCos;
        }
    }

    /** A new array holding {@code length} samples from {@code startSample}. */
    public short[] generate(long startSample, int length) {
        short[] samples = new short[length];
        fill(samples, 0, length, startSample);
        return samples;
    }

    /**
     * Fractional part of the number of cycles completed at {@code sample}. Split into whole
     * seconds and a remainder so the product stays small enough for a double to keep its
     * fraction, however long the stream has been running: whole seconds times the integer part
     * of the frequency is a whole number of cycles and drops out.
     */
    private double cyclesAt(long sample) {
        long seconds = Math.floorDiv(sample, sampleRate);
        long rest = Math.floorMod(sample, sampleRate);
        double cycles = fraction(frequency * rest / sampleRate) + fraction(fractionalFrequency * seconds);
        return fraction(cycles);
    }

    private static double fraction(double value) {
        return value - Math.floor(value);
    }
}
