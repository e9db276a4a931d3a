package org.callvault.media;

import java.util.Objects;

/**
 * Measures how much of a signal is one given frequency, so tests and the load tool can assert
 * "440 Hz is present, 880 Hz is absent" on real audio instead of trusting that no exception was
 * thrown.
 *
 * <p>Uses the Goertzel algorithm: one DFT bin computed with a two-term recurrence, so checking a
 * frequency costs one multiply-add per sample and no FFT. The frequency need not fall on a bin of
 * the region's length; the recurrence evaluates the spectrum at exactly that frequency.
 */
public final class ToneDetector {

    private ToneDetector() {
    }

    /**
     * The share of the region's power that sits at {@code frequency}: about 1 for a pure sine at
     * that frequency, about 0.5 for each of two equally loud tones, near 0 when the frequency is
     * absent, 0 for digital silence.
     *
     * <p>A rectangular window leaks a little power into neighbouring frequencies, so use regions
     * of at least a few periods (20 ms is plenty for tones a few hundred hertz apart). Meaningful
     * for {@code 0 < frequency < sampleRate / 2}.
     */
    public static double relativePower(short[] samples, int from, int length, double frequency, int sampleRate) {
        Objects.checkFromIndexSize(from, length, samples.length);
        if (length == 0) {
            return 0;
        }
        double omega = 2 * Math.PI * frequency / sampleRate;
        double coefficient = 2 * Math.cos(omega);
        double previous = 0;
        double beforePrevious = 0;
        double energy = 0;
        for (int i = from, end = from + length; i < end; i++) {
            double x = samples[i];
            double current = x + coefficient * previous - beforePrevious;
            beforePrevious = previous;
            previous = current;
            energy += x * x;
        }
        if (energy == 0) {
            return 0;
        }
        // |X(omega)|^2 from the last two states of the recurrence.
        double binPower = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
        // A sine of amplitude A gives |X|^2 = (A * N / 2)^2 and energy = A^2 * N / 2, hence the 2 / N.
        return 2 * binPower / (length * energy);
    }

    /** Root mean square of the region, in sample units (a full-scale sine gives about 23170). */
    public static double rms(short[] samples, int from, int length) {
        Objects.checkFromIndexSize(from, length, samples.length);
        if (length == 0) {
            return 0;
        }
        double energy = 0;
        for (int i = from, end = from + length; i < end; i++) {
            double x = samples[i];
            energy += x * x;
        }
        return Math.sqrt(energy / length);
    }
}
