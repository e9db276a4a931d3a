package org.callvault.media;

import java.util.Arrays;
import java.util.Objects;

/**
 * Converts one stream of mono PCM16 from one sample rate to another by a rational ratio
 * ({@code 8000 -> 44100} is up 441, down 80), piece by piece: the instance keeps the input history
 * and the output phase between calls, so consecutive frames join exactly as if the whole stream
 * had been converted at once (no click at frame edges, no drift: 1,000 frames of 160 samples give
 * exactly 882,000; a piece whose output would be fractional carries the phase to the next).
 *
 * <p>Windowed-sinc (Kaiser) polyphase filters ({@link PolyphaseStage}), designed from the lower
 * of the two Nyquist frequencies {@code n}: flat to {@code 0.925 n} (3.7 kHz for 8 kHz) and at
 * least 60 dB down from {@code n} (4 kHz) on, so nothing above {@code n} folds into the band going
 * down, and no image of the band appears above it going up. The filters are symmetric, so the
 * delay is the same at every frequency and known: {@link #delaySeconds()}.
 *
 * <p>When one rate is at least four times the other (8 kHz and 44.1 kHz), the conversion runs in
 * two stages through twice the lower rate: the steep filter then works at 16 kHz instead of
 * 44.1 kHz, and the step between 16 kHz and 44.1 kHz only has to clear images from 12 kHz up (8
 * taps). That is the same response for less than half the arithmetic of one stage.
 *
 * <p>{@link #process} allocates nothing in the steady state (buffers grow only when a longer
 * piece than any before arrives), takes no lock and is meant for one thread at a time, like the
 * leg it belongs to. Filter tables are shared per design.
 */
public final class Resampler {

    /** Passband edge as a share of the lower Nyquist frequency; the stopband starts at 1.0. */
    static final double PASSBAND_EDGE = 0.925;
    /** Finer ratios would need filter tables of megabytes; no rate the product uses comes close. */
    static final int MAX_PHASES = 1_000;

    private final int inputRate;
    private final int outputRate;
    private final PolyphaseStage first;
    /** {@code null} for a single stage. */
    private final PolyphaseStage second;
    private short[] between;

    /**
     * @param inputRate  8000..192000 Hz
     * @param outputRate 8000..192000 Hz, different from {@code inputRate}
     * @throws IllegalArgumentException for rates out of range, equal rates, or a ratio that needs
     *                                  more than {@value #MAX_PHASES} filter phases
     */
    public Resampler(int inputRate, int outputRate) {
        this(inputRate, outputRate, Integer.MAX_VALUE);
    }

    /**
     * As above, for a stream whose consumer keeps nothing above {@code bandHz} (an encoder told
     * so): the passband ends there, if below the usual edge, and the stopband still starts at the
     * lower Nyquist frequency. The wider transition makes a shorter filter: for 44.1 to 48 kHz
     * with a 12 kHz band, about a sixth of the taps.
     *
     * @param bandHz the highest frequency kept flat, 1..lower Nyquist (or more: the usual edge)
     */
    public Resampler(int inputRate, int outputRate, int bandHz) {
        requireRate("inputRate", inputRate);
        requireRate("outputRate", outputRate);
        if (inputRate == outputRate) {
            throw new IllegalArgumentException("inputRate and outputRate are both " + inputRate + " Hz: nothing to resample");
        }
        this.inputRate = inputRate;
        this.outputRate = outputRate;
        int narrow = Math.min(inputRate, outputRate);
        int wide = Math.max(inputRate, outputRate);
        double nyquist = narrow / 2.0;
        if (bandHz < 1) {
            throw new IllegalArgumentException("bandHz must be positive, got " + bandHz);
        }
        double passHz = Math.min(PASSBAND_EDGE * nyquist, bandHz);
        if (wide >= 4 * narrow) {
            int middle = 2 * narrow;
            // The wide-side step sees only the band below the narrow Nyquist frequency; its images
            // (or what folds onto it) start at middle - nyquist.
            if (inputRate < outputRate) {
                first = new PolyphaseStage(inputRate, middle, passHz, nyquist);
                second = stage(middle, outputRate, nyquist, middle - nyquist);
            }
            else {
                first = stage(inputRate, middle, nyquist, middle - nyquist);
                second = new PolyphaseStage(middle, outputRate, passHz, nyquist);
            }
            between = new short[middle / 50 + 1];
        }
        else {
            first = stage(inputRate, outputRate, passHz, nyquist);
            second = null;
        }
    }

    private PolyphaseStage stage(int from, int to, double passHz, double stopHz) {
        int phases = to / PolyphaseStage.gcd(from, to);
        if (phases > MAX_PHASES) {
            throw new IllegalArgumentException("The ratio " + inputRate + " -> " + outputRate + " Hz needs " + phases
                    + " filter phases; at most " + MAX_PHASES + " are supported");
        }
        return new PolyphaseStage(from, to, passHz, stopHz);
    }

    public int inputRate() {
        return inputRate;
    }

    public int outputRate() {
        return outputRate;
    }

    /**
     * How far the output lags the input, the same at every frequency (linear phase): output
     * sample {@code n} is the input signal at time {@code n / outputRate - delaySeconds()}.
     */
    public double delaySeconds() {
        return first.delaySeconds() + (second == null ? 0 : second.delaySeconds());
    }

    /**
     * {@link #delaySeconds()} in output samples (fractional). A caller that lines the converted
     * stream up with another drops or pads {@code Math.round(delayOutputSamples())} samples once.
     */
    public double delayOutputSamples() {
        return delaySeconds() * outputRate;
    }

    /** The most output samples {@link #process} can produce from {@code inputLength} samples, whatever the state. */
    public int maxOutputLength(int inputLength) {
        return (int) -Math.floorDiv(-(long) inputLength * outputRate, inputRate);
    }

    /** Exactly how many samples the next {@link #process} call of {@code inputLength} samples will write. */
    public int outputLength(int inputLength) {
        int length = first.outputLength(inputLength);
        return second == null ? length : second.outputLength(length);
    }

    /**
     * Converts {@code src[offset..offset+length)}, the next piece of the stream, into
     * {@code dst[dstOffset..]}.
     *
     * @return the number of samples written, {@link #outputLength(int) outputLength(length)}:
     *         {@code length * outputRate / inputRate} when that is whole; otherwise the phase is
     *         carried, so the total over many calls is {@code ceil(total input * outputRate / inputRate)}
     * @throws IndexOutOfBoundsException if either region is out of its array (nothing is consumed)
     */
    public int process(short[] src, int offset, int length, short[] dst, int dstOffset) {
        Objects.checkFromIndexSize(offset, length, src.length);
        Objects.checkFromIndexSize(dstOffset, outputLength(length), dst.length);
        if (second == null) {
            return first.process(src, offset, length, dst, dstOffset);
        }
        int middle = first.outputLength(length);
        if (between.length < middle) {
            between = Arrays.copyOf(between, middle);
        }
        first.process(src, offset, length, between, 0);
        return second.process(between, 0, middle, dst, dstOffset);
    }

    /** Converts a whole array in one call (tests and tools); the same stream as {@link #process}. */
    public short[] process(short[] src) {
        short[] out = new short[outputLength(src.length)];
        process(src, 0, src.length, out, 0);
        return out;
    }

    /** Filter taps per output sample, all stages together: the arithmetic one sample costs. */
    int taps() {
        return first.taps() + (second == null ? 0 : second.taps());
    }

    /** Forgets the history, as if the stream started again. */
    public void reset() {
        first.reset();
        if (second != null) {
            second.reset();
        }
    }

    private static void requireRate(String name, int rate) {
        if (rate < 8_000 || rate > 192_000) {
            throw new IllegalArgumentException(name + " must be 8000..192000 Hz, got " + rate);
        }
    }
}
