package org.callvault.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class G711Test {

    /** Where each mu-law segment starts on the 14-bit scale: the decision values of G.711 table 2a. */
    private static final int[] MU_LAW_SEGMENT_START = { 0, 31, 95, 223, 479, 991, 2015, 4063 };

    /**
     * The reconstruction value of a mu-law code from ITU-T G.711 table 2a, taken from the table's
     * own columns rather than from the class under test: segment {@code s} has 16 steps of
     * {@code 2^(s+1)} from its start and reconstructs to each step's middle, except that segment
     * 0's first step is half as wide (it reconstructs to 0); 14-bit values, times 4 for 16 bits.
     */
    private static int ituMuLaw(int code) {
        int bits = ~code & 0xFF;
        boolean negative = (bits & 0x80) != 0;
        int segment = (bits >> 4) & 7;
        int step = bits & 15;
        int width = 2 << segment;
        int value = segment == 0 ? 2 * step : MU_LAW_SEGMENT_START[segment] + step * width + width / 2;
        return (negative ? -value : value) * 4;
    }

    /** G.711 table 1a: segments 0 and 1 have steps of 2 (from 0 and 32), then each doubles; 13 to 16 bits. */
    private static int ituALaw(int code) {
        int bits = code ^ 0x55;
        boolean positive = (bits & 0x80) != 0;
        int segment = (bits >> 4) & 7;
        int step = bits & 15;
        int width = segment == 0 ? 2 : 2 << (segment - 1);
        int start = segment == 0 ? 0 : 32 << (segment - 1);
        int value = start + step * width + width / 2;
        return (positive ? value : -value) * 8;
    }

    @Test
    void muLawCodesDecodeToTheItuValuesAndReEncodeToThemselves() {
        for (int code = 0; code < 256; code++) {
            short decoded = G711.PCMU.decode((byte) code);
            assertThat((int) decoded).as("code 0x%02X", code).isEqualTo(ituMuLaw(code));
            int expectedCode = code == 0x7F ? 0xFF : code; // negative zero decodes to 0, which is positive zero
            assertThat(G711.PCMU.encode(decoded) & 0xFF).as("re-encode of 0x%02X", code).isEqualTo(expectedCode);
        }
    }

    @Test
    void aLawCodesDecodeToTheItuValuesAndReEncodeToThemselves() {
        for (int code = 0; code < 256; code++) {
            short decoded = G711.PCMA.decode((byte) code);
            assertThat((int) decoded).as("code 0x%02X", code).isEqualTo(ituALaw(code));
            assertThat(G711.PCMA.encode(decoded) & 0xFF).as("re-encode of 0x%02X", code).isEqualTo(code);
        }
    }

    @Test
    void knownReferenceValues() {
        assertThat(G711.PCMU.encode((short) 0) & 0xFF).isEqualTo(0xFF);
        assertThat(G711.PCMU.encode((short) -1) & 0xFF).isEqualTo(0x7F);
        assertThat(G711.PCMU.encode(Short.MAX_VALUE) & 0xFF).isEqualTo(0x80);
        assertThat(G711.PCMU.encode(Short.MIN_VALUE) & 0xFF).isEqualTo(0x00);
        assertThat(G711.PCMU.decode((byte) 0x80)).isEqualTo((short) 32124);
        assertThat(G711.PCMU.decode((byte) 0x00)).isEqualTo((short) -32124);
        assertThat(G711.PCMU.decode((byte) 0xFF)).isEqualTo((short) 0);
        assertThat(G711.PCMU.decode((byte) 0xFE)).isEqualTo((short) 8);

        assertThat(G711.PCMA.encode((short) 0) & 0xFF).isEqualTo(0xD5);
        assertThat(G711.PCMA.encode((short) -1) & 0xFF).isEqualTo(0x55);
        assertThat(G711.PCMA.encode(Short.MAX_VALUE) & 0xFF).isEqualTo(0xAA);
        assertThat(G711.PCMA.encode(Short.MIN_VALUE) & 0xFF).isEqualTo(0x2A);
        assertThat(G711.PCMA.decode((byte) 0xD5)).isEqualTo((short) 8);
        assertThat(G711.PCMA.decode((byte) 0x55)).isEqualTo((short) -8);
        assertThat(G711.PCMA.decode((byte) 0xAA)).isEqualTo((short) 32256);
        assertThat(G711.PCMA.decode((byte) 0x2A)).isEqualTo((short) -32256);

        assertThat(G711.forPayloadType(0)).isSameAs(G711.PCMU);
        assertThat(G711.forPayloadType(8)).isSameAs(G711.PCMA);
        assertThat(G711.forPayloadType(9)).isNull();
    }

    @Test
    void everySampleEncodesToTheCodeWhoseIntervalHoldsIt() {
        // The decoded value of a sample's code is the nearest reconstruction value on its side of zero:
        // no 16-bit input is off by a whole step.
        for (G711 law : G711.values()) {
            for (int sample = Short.MIN_VALUE; sample <= Short.MAX_VALUE; sample++) {
                int decoded = law.decode(law.encode((short) sample));
                int error = Math.abs(decoded - sample);
                int magnitude = Math.abs(sample);
                // Half a step of the segment plus the ones'-complement offset: steps are 1/16 of a segment.
                int allowed = Math.max(law == G711.PCMU ? 8 : 16, magnitude / 16) + 4;
                assertThat(error).as("%s %d -> %d", law, sample, decoded).isLessThanOrEqualTo(allowed);
            }
        }
    }

    @Test
    void aToneAtMinus10DbfsKeepsItsSignalToNoiseRatio() {
        double amplitude = 32767 * Math.pow(10, -10 / 20.0);
        short[] tone = new ToneGenerator(8_000, 1_000.3, amplitude).generate(0, 8_000);
        byte[] coded = new byte[tone.length];
        short[] decoded = new short[tone.length];
        for (G711 law : G711.values()) {
            law.encode(tone, 0, tone.length, coded, 0);
            law.decode(coded, 0, coded.length, decoded, 0);
            double signal = 0;
            double noise = 0;
            for (int i = 0; i < tone.length; i++) {
                signal += (double) tone[i] * tone[i];
                double error = decoded[i] - tone[i];
                noise += error * error;
            }
            double snr = 10 * Math.log10(signal / noise);
            System.out.printf("G711 %s SNR of a 1 kHz tone at -10 dBFS: %.2f dB%n", law, snr);
            assertThat(snr).as(law.name()).isGreaterThan(35);
        }
    }

    @Test
    void arrayMethodsHonourOffsetsAndLengths() {
        short[] samples = { 111, 0, -5000, 30000, -30000, 7 };
        byte[] coded = new byte[10];
        G711.PCMA.encode(samples, 1, 4, coded, 3);
        assertThat(coded[2]).isZero();
        assertThat(coded[7]).isZero();
        for (int i = 0; i < 4; i++) {
            assertThat(coded[3 + i]).isEqualTo(G711.PCMA.encode(samples[1 + i]));
        }
        short[] back = new short[8];
        G711.PCMA.decode(coded, 3, 4, back, 2);
        assertThat(back[1]).isZero();
        assertThat(back[6]).isZero();
        for (int i = 0; i < 4; i++) {
            assertThat(back[2 + i]).isEqualTo(G711.PCMA.decode(coded[3 + i]));
        }

        assertThatThrownBy(() -> G711.PCMU.encode(samples, 4, 3, coded, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> G711.PCMU.decode(coded, 0, 9, back, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
