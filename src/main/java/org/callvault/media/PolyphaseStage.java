package org.callvault.media;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One rational-ratio conversion step of a {@link Resampler}: a windowed-sinc low-pass in polyphase
 * form, with the stream's history and output phase.
 *
 * <p>Conceptually the input is padded with {@code up - 1} zeros between samples, low-pass
 * filtered at the high rate and every {@code down}-th sample kept; the polyphase form computes
 * only the kept samples, each as one dot product of {@code taps} input samples with one row of
 * the filter. The low-pass is a sinc with a Kaiser window, flat to {@code passHz} and at least
 * {@value #STOPBAND_DB} dB down from {@code stopHz}; its length follows from Kaiser's estimate for
 * that transition. Tables are built once per design and shared by every stage that uses it.
 */
final class PolyphaseStage {

    /** Designed stopband attenuation: 5 dB over the 60 dB asked, for the two stages of a cascade adding up. */
    static final double STOPBAND_DB = 65;

    private static final Map<Design, FilterBank> BANKS = new ConcurrentHashMap<>();

    private final FilterBank bank;
    private final int up;
    private final int taps;
    private final int[] nextPhaseOf;
    private final int[] advanceOf;
    /** {@code taps - 1} samples of history followed by the current piece of input, as floats. */
    private float[] window;
    /** Index (relative to the next piece's first sample) of the newest input the next output needs. */
    private int nextIndex;
    /** Its phase: which of the {@code up} filter rows it uses. */
    private int nextPhase;

    PolyphaseStage(int inputRate, int outputRate, double passHz, double stopHz) {
        this.bank = BANKS.computeIfAbsent(new Design(inputRate, outputRate, passHz, stopHz), FilterBank::new);
        this.up = bank.up;
        this.taps = bank.taps;
        this.nextPhaseOf = bank.nextPhaseOf;
        this.advanceOf = bank.advanceOf;
        this.window = new float[taps - 1 + Math.max(inputRate / 50, 1)];
    }

    int taps() {
        return taps;
    }

    /** Half the filter's length: how late the output is, in seconds, at every frequency. */
    double delaySeconds() {
        return bank.delayHighRate / bank.highRate;
    }

    /** Exactly how many samples the next {@link #process} of {@code inputLength} samples writes. */
    int outputLength(int inputLength) {
        long start = (long) nextIndex * up + nextPhase;
        long end = (long) inputLength * up;
        return end <= start ? 0 : (int) -Math.floorDiv(start - end, bank.down);
    }

    /** Converts the next {@code length} samples of the stream; the caller checked the bounds. */
    int process(short[] src, int offset, int length, short[] dst, int dstOffset) {
        int produced = outputLength(length);
        Objects.checkFromIndexSize(dstOffset, produced, dst.length);
        int history = taps - 1;
        if (window.length < history + length) {
            // Only when a longer piece than any before arrives: the steady state allocates nothing.
            window = Arrays.copyOf(window, history + length);
        }
        float[] w = window;
        for (int i = 0; i < length; i++) {
            w[history + i] = src[offset + i];
        }
        float[] coefficients = bank.coefficients;
        int[] nextPhases = nextPhaseOf;
        int[] advances = advanceOf;
        int index = nextIndex;
        int phase = nextPhase;
        for (int n = 0; n < produced; n++) {
            // Output n needs inputs index - taps + 1 .. index, which sit at w[index .. index + taps).
            dst[dstOffset + n] = toSample(dot(coefficients, phase * taps, w, index, taps));
            // Looked up rather than carried with a compare: for 441/160 that branch goes both ways.
            index += advances[phase];
            phase = nextPhases[phase];
        }
        nextIndex = index - length;
        nextPhase = phase;
        System.arraycopy(w, length, w, 0, history);
        return produced;
    }

    void reset() {
        Arrays.fill(window, 0f);
        nextIndex = 0;
        nextPhase = 0;
    }

    /**
     * Four independent sums, so the additions need not wait on each other; {@code length} is a
     * multiple of four.
     */
    private static float dot(float[] a, int aFrom, float[] b, int bFrom, int length) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        for (int k = 0; k < length; k += 4) {
            s0 += a[aFrom + k] * b[bFrom + k];
            s1 += a[aFrom + k + 1] * b[bFrom + k + 1];
            s2 += a[aFrom + k + 2] * b[bFrom + k + 2];
            s3 += a[aFrom + k + 3] * b[bFrom + k + 3];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static short toSample(float value) {
        // rint is one instruction (Math.round is not); the filter overshoots near full scale
        // (Gibbs): clamp instead of wrapping.
        int rounded = (int) Math.rint(value);
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, rounded));
    }

    static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    private record Design(int inputRate, int outputRate, double passHz, double stopHz) {
    }

    /**
     * The polyphase filter of one design: {@code up} rows of {@code taps} coefficients, each row
     * stored oldest-input-first so that a row and the input window are read in the same direction.
     */
    private static final class FilterBank {

        final int up;
        final int down;
        final int taps;
        final double highRate;
        final float[] coefficients;
        /** For each phase: the phase of the next output, and how many inputs further on it is. */
        final int[] nextPhaseOf;
        final int[] advanceOf;
        /** Half the prototype's length, in samples at {@code highRate}. */
        final double delayHighRate;

        FilterBank(Design design) {
            int gcd = gcd(design.inputRate, design.outputRate);
            this.up = design.outputRate / gcd;
            this.down = design.inputRate / gcd;
            // Kaiser's estimate of the length for STOPBAND_DB over this transition, counted at the
            // input rate (one tap per input sample and phase), rounded up to a multiple of 4 for dot().
            double transitionRadians = 2 * Math.PI * (design.stopHz - design.passHz) / design.inputRate;
            int estimate = (int) Math.ceil((STOPBAND_DB - 7.95) / (2.285 * transitionRadians));
            this.taps = (estimate + 3) / 4 * 4;
            this.nextPhaseOf = new int[up];
            this.advanceOf = new int[up];
            for (int phase = 0; phase < up; phase++) {
                nextPhaseOf[phase] = (phase + down) % up;
                advanceOf[phase] = (phase + down) / up;
            }
            int length = up * taps;
            this.highRate = (double) design.inputRate * up;
            double cutoff = (design.passHz + design.stopHz) / 2 / highRate; // cycles per high-rate sample
            double beta = 0.1102 * (STOPBAND_DB - 8.7);
            double besselBeta = besselI0(beta);
            double centre = (length - 1) / 2.0;
            this.delayHighRate = centre;
            this.coefficients = new float[length];
            for (int n = 0; n < length; n++) {
                double t = n - centre;
                double ratio = t / centre;
                double window = besselI0(beta * Math.sqrt(Math.max(0, 1 - ratio * ratio))) / besselBeta;
                double x = 2 * cutoff * t;
                double sinc = x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
                // Times up: the padded zeros took that much level away.
                double h = up * 2 * cutoff * sinc * window;
                // Prototype tap n feeds phase n % up, input n / up samples back from the newest.
                coefficients[(n % up) * taps + (taps - 1 - n / up)] = (float) h;
            }
        }

        /** The modified Bessel function of the first kind, order 0, by its power series. */
        private static double besselI0(double x) {
            double sum = 1;
            double term = 1;
            double quarterSquare = x * x / 4;
            for (int k = 1; k < 500; k++) {
                term *= quarterSquare / ((double) k * k);
                sum += term;
                if (term < sum * 1e-17) {
                    break;
                }
            }
            return sum;
        }
    }
}
