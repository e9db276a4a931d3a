package org.callvault.media;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Converts one stream of mono PCM16 from one sample rate to another by a rational ratio
 * ({@code 8000 -> 44100} is up 441, down 80), frame by frame: the instance keeps the input
 * history and the output phase between calls, so consecutive frames join exactly as if the whole
 * stream had been converted at once (no click at frame edges, no drift: 1,000 frames of 160
 * samples give exactly 882,000).
 *
 * <p>A windowed-sinc polyphase filter. Conceptually the input is padded with {@code up - 1}
 * zeros between samples, low-pass filtered at the high rate and every {@code down}-th sample
 * kept; the polyphase form computes only the kept samples, each as one dot product of
 * {@link #tapsPerPhase()} input samples with one row of the filter. The low-pass is a sinc with a
 * Kaiser window, designed from the lower of the two Nyquist frequencies {@code n}: flat to
 * {@code 0.925 n} (3.7 kHz for 8 kHz), at least {@value #STOPBAND_DB} dB down from {@code n}
 * (4 kHz) on, so nothing above {@code n} folds into the band going down and no image of the band
 * appears going up. The filter is symmetric, so the delay is the same at every frequency:
 * {@link #delayOutputSamples()} (about 6.5 ms for 8 kHz, half the filter's span).
 *
 * <p>Filter tables are built once per ratio and shared (about 180 KB for 8 kHz and 44.1 kHz);
 * an instance holds only its history. {@link #process} allocates nothing (its working buffer
 * grows only when a longer frame than any before arrives), takes no lock and is meant for one
 * thread at a time, like the leg it belongs to.
 */
public final class Resampler {

    /** Designed stopband attenuation; the measured floor is about 62 dB. */
    static final double STOPBAND_DB = 62;
    /** Passband edge as a share of the lower Nyquist frequency; the stopband starts at 1.0. */
    static final double PASSBAND_EDGE = 0.925;
    /** Finer ratios would need filter tables of megabytes; no rate the product uses comes close. */
    static final int MAX_UP = 1_000;

    private static final Map<Long, FilterBank> BANKS = new ConcurrentHashMap<>();

    private final int inputRate;
    private final int outputRate;
    private final FilterBank bank;
    private final int up;
    private final int down;
    private final int taps;
    private final int stepWhole;
    private final int stepPhase;
    /** {@code taps - 1} samples of history followed by the current frame, as floats. */
    private float[] window;
    /** Index (relative to the next frame's first sample) of the newest input the next output needs. */
    private int nextIndex;
    /** Its phase: which of the {@code up} filter rows it uses. */
    private int nextPhase;

    /**
     * @param inputRate  8000..192000 Hz
     * @param outputRate 8000..192000 Hz, different from {@code inputRate}
     * @throws IllegalArgumentException for rates out of range, equal rates or a ratio finer than
     *                                  1/{@value #MAX_UP} after reduction
     */
    public Resampler(int inputRate, int outputRate) {
        requireRate("inputRate", inputRate);
        requireRate("outputRate", outputRate);
        if (inputRate == outputRate) {
            throw new IllegalArgumentException("inputRate and outputRate are both " + inputRate + " Hz: nothing to resample");
        }
        int gcd = gcd(inputRate, outputRate);
        if (outputRate / gcd > MAX_UP) {
            throw new IllegalArgumentException("The ratio " + inputRate + " -> " + outputRate + " Hz reduces to "
                    + outputRate / gcd + "/" + inputRate / gcd + "; at most " + MAX_UP + " phases are supported");
        }
        this.inputRate = inputRate;
        this.outputRate = outputRate;
        this.bank = BANKS.computeIfAbsent(((long) inputRate << 32) | outputRate,
                key -> new FilterBank(inputRate, outputRate));
        this.up = bank.up;
        this.down = bank.down;
        this.taps = bank.taps;
        this.stepWhole = down / up;
        this.stepPhase = down % up;
        this.window = new float[taps - 1 + Math.max(inputRate / 50, 1)];
    }

    public int inputRate() {
        return inputRate;
    }

    public int outputRate() {
        return outputRate;
    }

    /** Input samples each output sample is computed from (the filter's span at the input rate). */
    public int tapsPerPhase() {
        return taps;
    }

    /**
     * How far the output lags the input, in output samples (fractional): output sample {@code n}
     * is the input signal at time {@code (n - delayOutputSamples()) / outputRate}. The same at every
     * frequency (linear phase). A caller that must line the converted stream up with another drops
     * or pads {@code Math.round(delayOutputSamples())} samples once.
     */
    public double delayOutputSamples() {
        return bank.delayHighRate / down;
    }

    /** {@link #delayOutputSamples()} in seconds. */
    public double delaySeconds() {
        return bank.delayHighRate / ((double) inputRate * up);
    }

    /** The most output samples {@link #process} can produce from {@code inputLength} samples, whatever the state. */
    public int maxOutputLength(int inputLength) {
        return (int) ceilDiv((long) inputLength * up, down);
    }

    /** Exactly how many samples the next {@link #process} call of {@code inputLength} samples will write. */
    public int outputLength(int inputLength) {
        long start = (long) nextIndex * up + nextPhase;
        long end = (long) inputLength * up;
        return end <= start ? 0 : (int) ceilDiv(end - start, down);
    }

    /**
     * Converts {@code src[offset..offset+length)}, the next piece of the stream, into
     * {@code dst[dstOffset..]}.
     *
     * @return the number of samples written, {@link #outputLength(int) outputLength(length)}:
     *         {@code length * outputRate / inputRate} when that is whole, otherwise the phase is
     *         carried so the total over many calls never drifts
     * @throws IndexOutOfBoundsException if either region is out of its array (nothing is consumed)
     */
    public int process(short[] src, int offset, int length, short[] dst, int dstOffset) {
        Objects.checkFromIndexSize(offset, length, src.length);
        int produced = outputLength(length);
        Objects.checkFromIndexSize(dstOffset, produced, dst.length);
        int history = taps - 1;
        if (window.length < history + length) {
            // Only when a longer frame than any before arrives: the steady state allocates nothing.
            float[] larger = new float[history + length];
            System.arraycopy(window, 0, larger, 0, history);
            window = larger;
        }
        float[] w = window;
        for (int i = 0; i < length; i++) {
            w[history + i] = src[offset + i];
        }
        float[] coefficients = bank.coefficients;
        int index = nextIndex;
        int phase = nextPhase;
        for (int n = 0; n < produced; n++) {
            // Output n needs inputs index - taps + 1 .. index, which sit at w[index .. index + taps).
            dst[dstOffset + n] = toSample(dot(coefficients, phase * taps, w, index, taps));
            index += stepWhole;
            phase += stepPhase;
            if (phase >= up) {
                phase -= up;
                index++;
            }
        }
        nextIndex = index - length;
        nextPhase = phase;
        System.arraycopy(w, length, w, 0, history);
        return produced;
    }

    /** Converts a whole array in one call (tests and tools); the same state rules as {@link #process}. */
    public short[] process(short[] src) {
        short[] out = new short[outputLength(src.length)];
        process(src, 0, src.length, out, 0);
        return out;
    }

    /** Forgets the history, as if the stream started again (a new call on a recycled instance). */
    public void reset() {
        Arrays.fill(window, 0f);
        nextIndex = 0;
        nextPhase = 0;
    }

    /**
     * Four independent sums so the additions do not wait on each other (a single running sum is
     * bound by the latency of one add per tap). {@code length} is a multiple of four.
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
        // The filter overshoots near full scale (Gibbs): clamp instead of wrapping.
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(value)));
    }

    private static void requireRate(String name, int rate) {
        if (rate < 8_000 || rate > 192_000) {
            throw new IllegalArgumentException(name + " must be 8000..192000 Hz, got " + rate);
        }
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    /**
     * The polyphase filter of one ratio: {@code up} rows of {@code taps} coefficients, each row
     * stored oldest-input-first so that a row and the input window are read in the same direction.
     */
    static final class FilterBank {

        final int up;
        final int down;
        final int taps;
        final float[] coefficients;
        /** Half the prototype's length, in samples at {@code inputRate * up}. */
        final double delayHighRate;

        FilterBank(int inputRate, int outputRate) {
            int gcd = gcd(inputRate, outputRate);
            this.up = outputRate / gcd;
            this.down = inputRate / gcd;
            double nyquist = Math.min(inputRate, outputRate) / 2.0;
            double passEdge = PASSBAND_EDGE * nyquist;
            double transition = nyquist - passEdge;
            // Kaiser's estimate of the length for STOPBAND_DB over this transition, counted at the
            // input rate (one tap per input sample and phase), rounded up to a multiple of 4 for dot().
            double transitionRadians = 2 * Math.PI * transition / inputRate;
            int estimate = (int) Math.ceil((STOPBAND_DB - 7.95) / (2.285 * transitionRadians));
            this.taps = (estimate + 3) / 4 * 4;
            int length = up * taps;
            double highRate = (double) inputRate * up;
            double cutoff = (passEdge + nyquist) / 2 / highRate; // cycles per high-rate sample
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
                // Prototype tap n feeds phase n % up, input k = n / up samples back from the newest.
                int phase = n % up;
                int back = n / up;
                coefficients[phase * taps + (taps - 1 - back)] = (float) h;
            }
        }

        /** The modified Bessel function of the first kind, order 0, by its power series. */
        private static double besselI0(double x) {
            double sum = 1;
            double term = 1;
            double quarterSquare = x * x / 4;
            for (int k = 1; k < 200; k++) {
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
