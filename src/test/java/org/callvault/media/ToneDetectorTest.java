package org.callvault.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ToneDetectorTest {

    private static final int RATE = 44_100;
    /** One 20 ms frame: what the recorder tests analyse. */
    private static final int FRAME = 882;

    @Test
    void findsThePresentToneAndNotTheAbsentOne() {
        short[] tone = new ToneGenerator(RATE, 440, 10_000).generate(0, RATE);

        assertThat(ToneDetector.relativePower(tone, 0, RATE, 440, RATE)).isCloseTo(1.0, within(0.01));
        assertThat(ToneDetector.relativePower(tone, 0, RATE, 880, RATE)).isLessThan(0.001);
        assertThat(ToneDetector.relativePower(tone, 0, RATE, 1_000, RATE)).isLessThan(0.001);
    }

    @Test
    void worksOnASingleFrameAtAnyPhase() {
        ToneGenerator generator = new ToneGenerator(RATE, 880, 8_000);
        for (long start : new long[] { 0, 123, 44_100 * 60 + 17 }) {
            short[] frame = generator.generate(start, FRAME);
            assertThat(ToneDetector.relativePower(frame, 0, FRAME, 880, RATE)).isGreaterThan(0.95);
            assertThat(ToneDetector.relativePower(frame, 0, FRAME, 440, RATE)).isLessThan(0.01);
        }
    }

    @Test
    void splitsPowerBetweenTwoEqualTones() {
        short[] low = new ToneGenerator(RATE, 440, 8_000).generate(0, RATE);
        short[] high = new ToneGenerator(RATE, 880, 8_000).generate(0, RATE);
        short[] both = new short[RATE];
        Mixer.mix(low, high, both);

        assertThat(ToneDetector.relativePower(both, 0, RATE, 440, RATE)).isCloseTo(0.5, within(0.02));
        assertThat(ToneDetector.relativePower(both, 0, RATE, 880, RATE)).isCloseTo(0.5, within(0.02));
        assertThat(ToneDetector.relativePower(both, 0, RATE, 660, RATE)).isLessThan(0.001);
    }

    @Test
    void silenceHasNoTone() {
        short[] silence = new short[FRAME];

        assertThat(ToneDetector.relativePower(silence, 0, FRAME, 440, RATE)).isZero();
        assertThat(ToneDetector.rms(silence, 0, FRAME)).isZero();
    }

    @Test
    void rmsOfASineIsItsAmplitudeOverRootTwo() {
        short[] tone = new ToneGenerator(RATE, 440, 10_000).generate(0, RATE);

        assertThat(ToneDetector.rms(tone, 0, RATE)).isCloseTo(10_000 / Math.sqrt(2), within(5.0));
        assertThat(ToneDetector.rms(new short[] { 3, -3, 3, -3 }, 0, 4)).isEqualTo(3.0);
    }

    @Test
    void analysesOnlyTheGivenRegion() {
        short[] signal = new short[2 * FRAME];
        new ToneGenerator(RATE, 440, 8_000).fill(signal, FRAME, FRAME, 0);

        assertThat(ToneDetector.rms(signal, 0, FRAME)).isZero();
        assertThat(ToneDetector.relativePower(signal, FRAME, FRAME, 440, RATE)).isGreaterThan(0.95);
    }
}
