package org.callvault.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MixerTest {

    @Test
    void saturatesAtFullScaleInsteadOfWrapping() {
        short[] a = { 32_000, -32_000, 20_000, 100, -5 };
        short[] b = { 32_000, -32_000, 20_000, -300, 5 };
        short[] out = new short[5];

        Mixer.mix(a, b, out);

        assertThat(out).containsExactly(32_767, -32_768, 32_767, -200, 0);
    }

    @Test
    void loudTonesClipButKeepTheirSign() {
        ToneGenerator low = new ToneGenerator(44_100, 440, 30_000);
        ToneGenerator high = new ToneGenerator(44_100, 660, 30_000);
        short[] a = low.generate(0, 44_100);
        short[] b = high.generate(0, 44_100);
        short[] out = new short[a.length];

        Mixer.mix(a, b, out);

        int clipped = 0;
        for (int i = 0; i < out.length; i++) {
            int exact = a[i] + b[i];
            assertThat(Integer.signum(out[i])).as("sample %d", i).isEqualTo(Integer.signum(exact));
            assertThat((int) out[i]).isEqualTo(Math.max(-32_768, Math.min(32_767, exact)));
            if (Math.abs(exact) > 32_767) {
                clipped++;
            }
        }
        assertThat(clipped).as("the test really drives the mix into saturation").isGreaterThan(1_000);
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

    @Test
    void refusesTracksOfDifferentLengths() {
        assertThatThrownBy(() -> Mixer.mix(new short[3], new short[4], new short[3]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Mixer.interleave(new short[3], new short[3], new short[5]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
