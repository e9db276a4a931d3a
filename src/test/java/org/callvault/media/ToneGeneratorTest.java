package org.callvault.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ToneGeneratorTest {

    private static final int RATE = 44_100;
    private static final int FRAME = 882;

    @Test
    void matchesTheSineFormula() {
        ToneGenerator generator = new ToneGenerator(RATE, 440, 12_000);
        short[] samples = generator.generate(0, RATE);

        for (int n = 0; n < samples.length; n++) {
            double exact = 12_000 * Math.sin(2 * Math.PI * 440 * n / RATE);
            assertThat((double) samples[n]).as("sample %d", n).isBetween(exact - 1, exact + 1);
        }
    }

    @Test
    void framesGeneratedSeparatelyJoinWithoutAPhaseJump() {
        ToneGenerator generator = new ToneGenerator(RATE, 440, 12_000);
        short[] whole = generator.generate(0, 50 * FRAME);
        short[] pieces = new short[whole.length];
        // Out of order on purpose: each frame depends only on its start index.
        for (int frame = 49; frame >= 0; frame--) {
            generator.fill(pieces, frame * FRAME, FRAME, (long) frame * FRAME);
        }

        for (int i = 0; i < whole.length; i++) {
            assertThat(Math.abs(whole[i] - pieces[i])).as("sample %d", i).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void staysExactHoursIntoAStream() {
        // Non-integer frequency on purpose: the fractional part is what long streams get wrong.
        double frequency = 440.25;
        ToneGenerator generator = new ToneGenerator(RATE, frequency, 12_000);
        long tenHours = 10L * 3_600 * RATE;
        short[] frame = generator.generate(tenHours, FRAME);

        for (int i = 0; i < FRAME; i++) {
            // Reference phase computed with exact integer arithmetic on quarter-hertz units.
            long quarterCycles = (tenHours + i) * 1_761 % (4L * RATE);
            double exact = 12_000 * Math.sin(2 * Math.PI * quarterCycles / (4.0 * RATE));
            assertThat((double) frame[i]).as("sample %d", i).isBetween(exact - 1, exact + 1);
        }
    }

    @Test
    void rejectsFrequenciesAboveNyquistAndOversizedAmplitudes() {
        assertThatThrownBy(() -> new ToneGenerator(8_000, 4_000, 1_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ToneGenerator(8_000, 0, 1_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ToneGenerator(8_000, 440, 40_000)).isInstanceOf(IllegalArgumentException.class);
    }
}
