package org.callvault.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ResamplerTest {

    private static final int NARROW = 8_000;
    private static final int WIDE = 44_100;

    /** Feeds {@code input} in frames of {@code frame} samples, as a leg would, and joins the output. */
    private static short[] convert(Resampler resampler, short[] input, int frame) {
        short[] output = new short[resampler.maxOutputLength(input.length) + 1];
        int written = 0;
        for (int at = 0; at < input.length; at += frame) {
            written += resampler.process(input, at, Math.min(frame, input.length - at), output, written);
        }
        return Arrays.copyOf(output, written);
    }

    /** Level of {@code frequency} in one second of {@code samples} from {@code from}, in dB re a sine of {@code amplitude}. */
    private static double levelDb(short[] samples, int from, int rate, double frequency, double amplitude) {
        double rms = ToneDetector.rms(samples, from, rate);
        double power = ToneDetector.relativePower(samples, from, rate, frequency, rate) * rms * rms;
        return 10 * Math.log10(power / (amplitude * amplitude / 2));
    }

    private static double rmsDb(short[] samples, int from, int length, double amplitude) {
        return 20 * Math.log10(ToneDetector.rms(samples, from, length) / (amplitude / Math.sqrt(2)));
    }

    @Test
    void upsampledToneKeepsItsFrequencyAndLevel() {
        short[] input = new ToneGenerator(NARROW, 1_000, 10_000).generate(0, 9_600); // 1.2 s
        short[] output = convert(new Resampler(NARROW, WIDE), input, 160);

        // One second after the first 0.1 s (the filter's start-up is 6.5 ms): 1 Hz bins, so the
        // tones below sit exactly on bins and cannot leak into each other.
        assertThat(ToneDetector.relativePower(output, 4_410, WIDE, 1_000, WIDE)).isGreaterThan(0.9999);
        double level = rmsDb(output, 4_410, WIDE, 10_000);
        System.out.printf("Resampler 8k->44.1k 1 kHz level %.3f dB%n", level);
        assertThat(Math.abs(level)).isLessThan(0.5);
    }

    @Test
    void aToneJustBelowTheNarrowNyquistKeepsItsFrequencyAndHasNoImages() {
        short[] input = new ToneGenerator(NARROW, 3_900, 16_000).generate(0, 9_600);
        short[] output = convert(new Resampler(NARROW, WIDE), input, 160);

        double tone = levelDb(output, 4_410, WIDE, 3_900, 16_000);
        System.out.printf("Resampler 8k->44.1k 3.9 kHz level %.2f dB%n", tone);
        assertThat(ToneDetector.relativePower(output, 4_410, WIDE, 3_900, WIDE)).isGreaterThan(0.9999);
        // Images of 3.9 kHz at 8 kHz: 8 kHz k +- 3.9 kHz.
        for (double image : new double[] { 4_100, 11_900, 12_100, 15_900, 16_100, 19_900, 20_100 }) {
            double level = levelDb(output, 4_410, WIDE, image, 16_000);
            System.out.printf("Resampler 8k->44.1k image at %.0f Hz: %.1f dB below the tone%n", image, tone - level);
            assertThat(tone - level).as("image at %s Hz", image).isGreaterThan(50);
        }
    }

    @Test
    void downsamplingRemovesWhatWouldFoldIntoTheBand() {
        short[] input = new ToneGenerator(WIDE, 5_000, 16_000).generate(0, 52_920);
        short[] output = convert(new Resampler(WIDE, NARROW), input, 882);

        // 5 kHz at 8 kHz would be heard at 3 kHz.
        double alias = levelDb(output, 800, NARROW, 3_000, 16_000);
        double everything = rmsDb(output, 800, NARROW, 16_000);
        System.out.printf("Resampler 44.1k->8k 5 kHz: alias at 3 kHz %.1f dB, all output %.1f dB%n", alias, everything);
        assertThat(alias).isLessThan(-50);
        assertThat(everything).isLessThan(-50);
    }

    @Test
    void downsampledToneInTheBandKeepsItsFrequencyAndLevel() {
        short[] input = new ToneGenerator(WIDE, 1_000, 10_000).generate(0, 52_920);
        short[] output = convert(new Resampler(WIDE, NARROW), input, 882);

        assertThat(ToneDetector.relativePower(output, 800, NARROW, 1_000, NARROW)).isGreaterThan(0.9999);
        double level = rmsDb(output, 800, NARROW, 10_000);
        System.out.printf("Resampler 44.1k->8k 1 kHz level %.3f dB%n", level);
        assertThat(Math.abs(level)).isLessThan(0.5);
    }

    @Test
    void aBandLimitedConversionKeepsItsBandAndItsStopbandWithAFractionOfTheTaps() {
        // 44.1 -> 48 kHz for an encoder that keeps 12 kHz: flat to 12 kHz, images still 60 dB down.
        Resampler full = new Resampler(44_100, 48_000);
        Resampler band = new Resampler(44_100, 48_000, 12_000);
        assertThat(band.taps()).as("taps: %d against %d", band.taps(), full.taps()).isLessThan(full.taps() / 4);
        for (double frequency : new double[] { 300, 1_000, 6_000, 11_900 }) {
            short[] input = new ToneGenerator(44_100, frequency, 16_000).generate(0, 52_920);
            short[] output = convert(new Resampler(44_100, 48_000, 12_000), input, 882);
            assertThat(levelDb(output, 4_800, 48_000, frequency, 16_000)).as("%s Hz", frequency).isBetween(-0.1, 0.1);
        }
        // A 21 kHz tone in the input would image at 23.1 kHz, inside the 48 kHz output's band.
        short[] high = new ToneGenerator(44_100, 21_000, 16_000).generate(0, 52_920);
        short[] out = convert(new Resampler(44_100, 48_000, 12_000), high, 882);
        assertThat(ToneDetector.relativePower(out, 4_800, 48_000, 23_100, 48_000) * Math.pow(
                ToneDetector.rms(out, 4_800, 48_000) / (16_000 / Math.sqrt(2)), 2)).as("the image's power against the tone's")
                .isLessThan(1e-6);
        assertThatThrownBy(() -> new Resampler(44_100, 48_000, 0)).isInstanceOf(IllegalArgumentException.class);
        System.out.printf("Band-limited 44.1 -> 48 kHz: %d taps against %d%n", band.taps(), full.taps());
    }

    @Test
    void theStopbandIsAtLeastSixtyDbDownInBothDirections() {
        // Going down: everything from the narrow Nyquist frequency up would fold into the band.
        double worstDown = -1_000;
        double worstUp = -1_000;
        for (double frequency : new double[] { 4_000, 4_100, 4_500, 6_000, 7_900, 8_100, 12_000, 16_000, 21_000 }) {
            short[] input = new ToneGenerator(WIDE, frequency, 16_000).generate(0, 52_920);
            short[] output = convert(new Resampler(WIDE, NARROW), input, 882);
            double level = rmsDb(output, 800, NARROW, 16_000);
            worstDown = Math.max(worstDown, level);
            assertThat(level).as("%s Hz at 44.1 kHz -> 8 kHz", frequency).isLessThan(-60);
        }
        // Going up: whatever is not the tone itself is an image (up to the passband edge, 3.7 kHz).
        for (double frequency : new double[] { 300, 1_000, 3_000, 3_700 }) {
            short[] input = new ToneGenerator(NARROW, frequency, 16_000).generate(0, 9_600);
            short[] output = convert(new Resampler(NARROW, WIDE), input, 160);
            double images = 10 * Math.log10(1 - ToneDetector.relativePower(output, 4_410, WIDE, frequency, WIDE));
            worstUp = Math.max(worstUp, images);
            assertThat(images).as("images of %s Hz at 8 kHz -> 44.1 kHz", frequency).isLessThan(-60);
        }
        System.out.printf("Resampler stopband: worst 44.1k->8k %.1f dB, worst images 8k->44.1k %.1f dB%n", worstDown, worstUp);
    }

    @Test
    void theDelayIsTheSameAtEveryFrequencyAndIsTheOneReported() {
        int[][] directions = { { NARROW, WIDE }, { WIDE, NARROW }, { 16_000, WIDE }, { 48_000, WIDE }, { WIDE, 48_000 } };
        for (int[] rates : directions) {
            int in = rates[0];
            int out = rates[1];
            Resampler probe = new Resampler(in, out);
            double delay = probe.delayOutputSamples();
            assertThat(probe.delaySeconds()).isCloseTo(delay / out, within(1e-12));
            for (double frequency : new double[] { 300, 1_000, 3_000 }) {
                Resampler resampler = new Resampler(in, out);
                short[] input = new ToneGenerator(in, frequency, 10_000).generate(0, in / 2);
                short[] output = convert(resampler, input, in / 50);
                // Compare with the same sine, later by the reported delay; skip the start-up.
                double error = 0;
                int from = out / 20;
                int to = output.length - out / 20;
                for (int n = from; n < to; n++) {
                    double expected = 10_000 * Math.sin(2 * Math.PI * frequency * (n - delay) / out);
                    error += (output[n] - expected) * (output[n] - expected);
                }
                double relativeError = Math.sqrt(error / (to - from)) / (10_000 / Math.sqrt(2));
                assertThat(relativeError).as("%d -> %d at %s Hz", in, out, frequency).isLessThan(0.003);
            }
        }
        System.out.printf("Resampler delay 8k->44.1k %.3f ms (%.2f output samples), 44.1k->8k %.3f ms%n",
                new Resampler(NARROW, WIDE).delaySeconds() * 1000, new Resampler(NARROW, WIDE).delayOutputSamples(),
                new Resampler(WIDE, NARROW).delaySeconds() * 1000);
    }

    @Test
    void twentyMillisecondFramesNeverDrift() {
        int[][] directions = { { NARROW, WIDE }, { WIDE, NARROW }, { 16_000, WIDE }, { WIDE, 16_000 }, { 48_000, WIDE },
                { WIDE, 48_000 } };
        for (int[] rates : directions) {
            Resampler resampler = new Resampler(rates[0], rates[1]);
            int inFrame = rates[0] / 50;
            int outFrame = rates[1] / 50;
            short[] frame = new ToneGenerator(rates[0], 440, 8_000).generate(0, inFrame);
            short[] out = new short[outFrame];
            long total = 0;
            for (int i = 0; i < 1_000; i++) {
                int written = resampler.process(frame, 0, inFrame, out, 0);
                assertThat(written).as("%d -> %d, frame %d", rates[0], rates[1], i).isEqualTo(outFrame);
                total += written;
            }
            assertThat(total).isEqualTo(1_000L * outFrame);
        }
    }

    @Test
    void anySplitIntoPiecesGivesTheSameSamplesAsOneCall() {
        short[] input = new ToneGenerator(NARROW, 1_234, 12_000).generate(0, 4_000);
        for (int[] rates : new int[][] { { NARROW, WIDE }, { WIDE, NARROW } }) {
            short[] whole = new Resampler(rates[0], rates[1]).process(input);
            // ceil(n * out / in): the phase is carried, never rounded away.
            assertThat(whole.length).isEqualTo((int) -Math.floorDiv(-(long) input.length * rates[1], rates[0]));

            Resampler pieces = new Resampler(rates[0], rates[1]);
            short[] joined = new short[whole.length];
            int written = 0;
            SplittableRandom random = new SplittableRandom(15);
            for (int at = 0; at < input.length;) {
                int length = Math.min(random.nextInt(0, 200), input.length - at); // fractional outputs, even 0-sample calls
                assertThat(pieces.outputLength(length)).isLessThanOrEqualTo(pieces.maxOutputLength(length));
                written += pieces.process(input, at, length, joined, written);
                at += length;
            }
            assertThat(written).isEqualTo(whole.length);
            assertThat(joined).as("%d -> %d", rates[0], rates[1]).isEqualTo(whole);
        }
    }

    @Test
    void convertingFramesAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        Resampler up = new Resampler(NARROW, WIDE);
        Resampler down = new Resampler(WIDE, NARROW);
        short[] narrow = new ToneGenerator(NARROW, 1_000, 10_000).generate(0, 160);
        short[] wide = new short[882];
        byte[] coded = new byte[160];
        for (int i = 0; i < 200; i++) { // classes load (G711 builds its tables), buffers reach their size
            G711.PCMU.encode(narrow, 0, 160, coded, 0);
            up.process(narrow, 0, 160, wide, 0);
            down.process(wide, 0, 882, narrow, 0);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000; i++) {
            G711.PCMU.encode(narrow, 0, 160, coded, 0);
            G711.PCMU.decode(coded, 0, 160, narrow, 0);
            up.process(narrow, 0, 160, wide, 0);
            down.process(wide, 0, 882, narrow, 0);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // A single 882-sample array would be 1.8 KB per frame, 1.8 MB here.
        assertThat(allocated).isLessThan(1_024);
    }

    @Test
    void silenceInSilenceOut() {
        Resampler resampler = new Resampler(NARROW, WIDE);
        short[] out = new short[882];
        for (int i = 0; i < 10; i++) {
            resampler.process(new short[160], 0, 160, out, 0);
            assertThat(out).containsOnly((short) 0);
        }
        // After a tone, once the tone has left the filter's span, exactly zero again.
        resampler.process(new ToneGenerator(NARROW, 1_000, 20_000).generate(0, 160), 0, 160, out, 0);
        assertThat(ToneDetector.rms(out, 0, 882)).isGreaterThan(1_000);
        // The filters span twice their delay.
        int framesToDrain = (int) Math.ceil(2 * resampler.delaySeconds() * NARROW / 160) + 1;
        for (int i = 0; i < framesToDrain; i++) {
            resampler.process(new short[160], 0, 160, out, 0);
        }
        resampler.process(new short[160], 0, 160, out, 0);
        assertThat(out).containsOnly((short) 0);
    }

    @Test
    void fullScaleOvershootIsClampedNotWrapped() {
        // A full-scale square wave: the filter rings above full scale at each edge (Gibbs).
        short[] square = new short[8_000];
        for (int i = 0; i < square.length; i++) {
            square[i] = (i / 40) % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE;
        }
        Resampler resampler = new Resampler(NARROW, WIDE);
        short[] output = convert(resampler, square, 160);
        long delay = Math.round(resampler.delayOutputSamples());
        // The ringing went past full scale and was held there.
        assertThat(output).contains(Short.MAX_VALUE, Short.MIN_VALUE);
        for (int n = 2_000; n < output.length - 1_000; n++) {
            // Well inside each half period the output has the input's sign: a wrapped sample would not.
            double inputPosition = (n - delay) * (double) NARROW / WIDE;
            double intoHalfPeriod = inputPosition % 40;
            if (intoHalfPeriod > 2 && intoHalfPeriod < 38) {
                boolean high = ((long) Math.floor(inputPosition) / 40) % 2 == 0;
                assertThat(high ? output[n] > 25_000 : output[n] < -25_000).as("sample %d", n).isTrue();
            }
        }
    }

    @Test
    void badArgumentsGetClearErrors() {
        assertThatThrownBy(() -> new Resampler(8_000, 8_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nothing to resample");
        assertThatThrownBy(() -> new Resampler(4_000, 8_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inputRate must be 8000..192000");
        assertThatThrownBy(() -> new Resampler(8_000, 44_101)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("phases");
        Resampler resampler = new Resampler(NARROW, WIDE);
        assertThatThrownBy(() -> resampler.process(new short[160], 0, 160, new short[881], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        // Nothing was consumed by the refused call: the next one still gives a whole frame.
        assertThat(resampler.process(new short[160], 0, 160, new short[882], 0)).isEqualTo(882);
    }
}
