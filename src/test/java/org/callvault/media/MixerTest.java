package org.callvault.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MixerTest {

    @Test
    void quietSumsPassUnchangedAndLoudOnesStayInsideFullScale() {
        short[] a = { 32_000, -32_000, 20_000, 100, -5, 12_000, -32_768 };
        short[] b = { 32_000, -32_000, 20_000, -300, 5, 12_000, -32_768 };
        short[] out = new short[a.length];

        Mixer.mix(a, b, out);

        assertThat(out[3]).isEqualTo((short) -200);
        assertThat(out[4]).isEqualTo((short) 0);
        assertThat(out[5]).as("24,000 is below the knee").isEqualTo((short) 24_000);
        assertThat((int) out[0]).isBetween(Mixer.KNEE, Mixer.CEILING);
        assertThat((int) out[1]).isEqualTo(-out[0]);
        assertThat((int) out[6]).isEqualTo(-Mixer.CEILING);
        assertThat(Mixer.CEILING).isLessThan(32_000);
    }

    @Test
    void aFrameWithOneLoudSampleIsLimitedThereAndExactElsewhere() {
        short[] a = { 1_000, 30_000, -2_000 };
        short[] b = { 1_000, 30_000, -2_000 };
        short[] out = new short[3];

        Mixer.mix(a, b, out);

        assertThat(out[0]).isEqualTo((short) 2_000);
        assertThat((int) out[1]).isEqualTo(Mixer.limit(60_000)).isLessThan(Mixer.CEILING + 1);
        assertThat(out[2]).isEqualTo((short) -4_000);
    }

    @Test
    void theLimiterIsMonotonicAndSymmetric() {
        int previous = Mixer.limit(-65_536);
        for (int sum = -65_535; sum <= 65_534; sum++) {
            int limited = Mixer.limit(sum);
            // Louder in must never come out quieter: that would be distortion the ear hears.
            assertThat(limited).as("sum %d", sum).isGreaterThanOrEqualTo(previous);
            assertThat(Mixer.limit(-sum)).isEqualTo(-limited);
            previous = limited;
        }
    }

    @Test
    void loudDoubleTalkNeverReachesFullScale() {
        // Two parties both at -0.8 dBFS, at unrelated pitches: their sum passes full scale in
        // thousands of samples, where the old saturating mix wrote runs of ±32767.
        short[] a = new ToneGenerator(44_100, 440, 30_000).generate(0, 44_100);
        short[] b = new ToneGenerator(44_100, 660, 30_000).generate(0, 44_100);
        short[] out = new short[a.length];

        Mixer.mix(a, b, out);

        int overflowing = 0;
        int atFullScale = 0;
        for (int i = 0; i < out.length; i++) {
            int exact = a[i] + b[i];
            if (Math.abs(exact) > Short.MAX_VALUE) {
                overflowing++;
            }
            if (out[i] >= Short.MAX_VALUE || out[i] <= -Short.MAX_VALUE) {
                atFullScale++;
            }
            assertThat(Integer.signum(out[i])).as("sample %d keeps its sign", i).isEqualTo(Integer.signum(exact));
        }
        assertThat(overflowing).as("the test really drives the sum past full scale").isGreaterThan(5_000);
        assertThat(atFullScale).isZero();
    }

    @Test
    void oneLoudPartyKeepsItsLevelWhenTheOtherIsSilent() {
        short[] silence = new short[44_100];
        // Speech peaks of -4 dBFS (loud but not clipping) are below the knee: bit-exact.
        short[] loud = new ToneGenerator(44_100, 300, 20_000).generate(0, 44_100);
        short[] out = new short[loud.length];
        Mixer.mix(loud, silence, out);
        assertThat(out).containsExactly(loud);

        // A party already at -0.8 dBFS loses only the tips of its peaks. Tolerance 0.5 dB of
        // RMS: level differences below about 1 dB are not heard, and the tips above the knee are
        // a small share of a sine's energy (the assertion below fails if the knee moves too low).
        short[] louder = new ToneGenerator(44_100, 300, 30_000).generate(0, 44_100);
        Mixer.mix(louder, silence, out);
        assertThat(Math.abs(decibels(rms(out) / rms(louder)))).isLessThan(0.5);
    }

    @Test
    void mixesInPlaceAndWithOffsets() {
        short[] a = { 9, 1, 2, 3 };
        short[] b = { 10, 20, 30, 9 };

        Mixer.mix(a, 1, b, 0, a, 1, 3);

        assertThat(a).containsExactly(9, 11, 22, 33);
    }

    @Test
    void interleavesLeftAndRight() {
        short[] left = { 1, 2, 3 };
        short[] right = { -1, -2, -3 };
        short[] out = new short[6];

        Mixer.interleave(left, right, out);

        assertThat(out).containsExactly(1, -1, 2, -2, 3, -3);
    }

    private static double rms(short[] samples) {
        double sum = 0;
        for (short sample : samples) {
            sum += (double) sample * sample;
        }
        return Math.sqrt(sum / samples.length);
    }

    private static double decibels(double ratio) {
        return 20 * Math.log10(ratio);
    }

    @Test
    void refusesTracksOfDifferentLengths() {
        assertThatThrownBy(() -> Mixer.mix(new short[3], new short[4], new short[3]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Mixer.interleave(new short[3], new short[3], new short[5]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
