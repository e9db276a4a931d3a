package org.callvault.media.codec;

/**
 * G.722's quadrature mirror filters (Recommendation G.722 clauses 3.1 and 4.4): the 24-tap
 * filter that splits 16 kHz audio into a lower (0-4 kHz) and a higher (4-8 kHz) band sampled at
 * 8 kHz each, and joins them again. The coefficients are the Recommendation's, times 2^13.
 */
final class G722Qmf {

    private static final int[] COEFFICIENTS = { 3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876, 3876,
            951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3 };

    private G722Qmf() {
    }

    /** The transmit side: input history, newest first. */
    static final class Analysis {

        private final int[] history = new int[24];
        private int lower;
        private int higher;

        /** Takes two input samples (first, then second); {@link #lower()} and {@link #higher()} are then ready. */
        void split(int first, int second) {
            System.arraycopy(history, 0, history, 2, 22);
            history[1] = first;
            history[0] = second;
            int even = 0;
            int odd = 0;
            for (int i = 0; i < 24; i += 2) {
                even += COEFFICIENTS[i] * history[i];
                odd += COEFFICIENTS[i + 1] * history[i + 1];
            }
            lower = (even + odd) >> 14;
            higher = (even - odd) >> 14;
        }

        int lower() {
            return lower;
        }

        int higher() {
            return higher;
        }

        void reset() {
            java.util.Arrays.fill(history, 0);
        }
    }

    /** The receive side: the bands' difference and sum histories, newest first. */
    static final class Synthesis {

        private final int[] difference = new int[12];
        private final int[] sum = new int[12];

        /** Joins one sample of each band into two output samples, written at {@code out[offset]} and the next. */
        void join(int lower, int higher, short[] out, int offset) {
            System.arraycopy(difference, 0, difference, 1, 11);
            System.arraycopy(sum, 0, sum, 1, 11);
            difference[0] = lower - higher;
            sum[0] = lower + higher;
            int first = 0;
            int second = 0;
            for (int i = 0; i < 12; i++) {
                first += COEFFICIENTS[2 * i] * difference[i];
                second += COEFFICIENTS[2 * i + 1] * sum[i];
            }
            out[offset] = (short) G722Band.saturate(first >> 11);
            out[offset + 1] = (short) G722Band.saturate(second >> 11);
        }

        void reset() {
            java.util.Arrays.fill(difference, 0);
            java.util.Arrays.fill(sum, 0);
        }
    }
}
