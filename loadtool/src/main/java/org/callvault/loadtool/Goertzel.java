package org.callvault.loadtool;

/**
 * Share of a signal's energy that lies at one frequency, measured with the Goertzel algorithm over
 * blocks. A pure sine at {@code f} gives 1.0, two equal sines mixed give 0.5 each, silence or another
 * frequency gives about 0.
 */
final class Goertzel {

    private Goertzel() {
    }

    /** Accumulates blocks of one channel for several frequencies at once. */
    static final class Meter {
        private final double[] coeff;
        private final double[] power;
        private double energy;
        private long blockSamples;

        Meter(int sampleRate, int... frequencies) {
            coeff = new double[frequencies.length];
            power = new double[frequencies.length];
            for (int k = 0; k < frequencies.length; k++) {
                coeff[k] = 2 * Math.cos(2 * Math.PI * frequencies[k] / sampleRate);
            }
        }

        /**
         * Adds one block: {@code n} samples at {@code data[offset + i * stride]}. Use blocks holding a
         * whole number of periods of the measured frequencies (100 ms for multiples of 10 Hz).
         */
        void addBlock(short[] data, int offset, int stride, int n) {
            if (n <= 0) {
                return;
            }
            double e = 0;
            for (int i = 0; i < n; i++) {
                double x = data[offset + i * stride];
                e += x * x;
            }
            if (e == 0) {
                return; // silence: adds nothing to either side of the ratio
            }
            energy += e * n / 2.0;
            blockSamples += n;
            for (int k = 0; k < coeff.length; k++) {
                power[k] += power(data, offset, stride, n, coeff[k]);
            }
        }

        /** Relative power of frequency {@code k} (0..~1); 0 if only silence was seen. */
        double relative(int k) {
            return energy == 0 ? 0 : power[k] / energy;
        }

        long samples() {
            return blockSamples;
        }
    }

    /**
     * Share of the energy of one block ({@code n} samples at {@code data[offset + i * stride]}) that
     * lies at the frequency of {@code coeff} ({@link #coefficient}); 0 for silence. For per-packet
     * checks, where a {@link Meter} per packet would allocate.
     */
    static double blockRelative(short[] data, int offset, int stride, int n, double coeff) {
        double e = 0;
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < n; i++) {
            double x = data[offset + i * stride];
            e += x * x;
            double s0 = x + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        if (e == 0) {
            return 0;
        }
        return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (e * n / 2.0);
    }

    /**
     * Amplitude of the sine at the frequency of {@code coeff} in one block ({@code n} samples at
     * {@code data[offset + i * stride]}): |X| = A n / 2 for a sine of amplitude A.
     */
    static double blockAmplitude(short[] data, int offset, int stride, int n, double coeff) {
        return 2 * Math.sqrt(Math.max(0, power(data, offset, stride, n, coeff))) / n;
    }

    /** |X|^2 of one block at the frequency of {@code coeff} (the Goertzel recursion). */
    private static double power(short[] data, int offset, int stride, int n, double coeff) {
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < n; i++) {
            double s0 = data[offset + i * stride] + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return s1 * s1 + s2 * s2 - coeff * s1 * s2;
    }

    /** Mean power of one block, for telling silence from sound. */
    static double meanSquare(short[] data, int offset, int stride, int n) {
        double e = 0;
        for (int i = 0; i < n; i++) {
            double x = data[offset + i * stride];
            e += x * x;
        }
        return n == 0 ? 0 : e / n;
    }

    static double coefficient(int frequency, double sampleRate) {
        return 2 * Math.cos(2 * Math.PI * frequency / sampleRate);
    }
}
