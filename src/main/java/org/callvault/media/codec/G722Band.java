package org.callvault.media.codec;

/**
 * One sub-band of ITU-T G.722's SB-ADPCM (Recommendation G.722, 2012, clauses 3.3-3.6 and the
 * blocks of clause 6): its quantiser scale factor and its adaptive predictor (two poles, six
 * zeros). The encoder and the decoder run the same band state from the same quantised
 * differences, so they stay in step without ever exchanging it.
 *
 * <p>Fixed-point throughout, 16-bit saturating as the Recommendation's blocks are specified: an
 * implementation that rounds differently drifts from every other G.722 peer.
 */
final class G722Band {

    /** Scale factor table ILB: 2048 · 2^(i/32), i = 0..31 (block SCALEL/SCALEH). */
    private static final int[] ILB = { 2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599,
            2656, 2714, 2774, 2834, 2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756,
            3838, 3922, 4008 };
    /** Lower band, 4-bit inverse quantiser outputs QM4 (block INVQAL), by the code's top four bits. */
    static final int[] QM4 = { 0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288,
            4240, 2584, 1200, 0 };
    /** Lower band, log scale factor multipliers WL (block LOGSCL), by magnitude index RL42. */
    private static final int[] WL = { -60, -30, 58, 172, 334, 538, 1198, 3042 };
    private static final int[] RL42 = { 0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0 };
    /** Higher band, 2-bit inverse quantiser outputs QM2 (block INVQAH). */
    static final int[] QM2 = { -7408, -1616, 7408, 1616 };
    /** Higher band, log scale factor multipliers WH (block LOGSCH), by magnitude index RH2. */
    private static final int[] WH = { 0, -214, 798 };
    private static final int[] RH2 = { 2, 1, 2, 1 };

    private final boolean lower;
    /** The quantiser scale factor DETL / DETH. */
    int det;
    /** The log scale factor NBL / NBH. */
    private int nb;
    /** The predictor's estimate SL / SH of the next sub-band sample. */
    int estimate;
    private int poleEstimate;
    private int zeroEstimate;
    /** Reconstructed signal R, partially reconstructed signal P, quantised differences D: [0] newest. */
    private final int[] r = new int[3];
    private final int[] p = new int[3];
    private final int[] d = new int[7];
    /** Pole coefficients A1, A2 and zero coefficients B1..B6 ([0] unused). */
    private final int[] a = new int[3];
    private final int[] b = new int[7];

    G722Band(boolean lower) {
        this.lower = lower;
        reset();
    }

    void reset() {
        det = lower ? 32 : 8;
        nb = 0;
        estimate = 0;
        poleEstimate = 0;
        zeroEstimate = 0;
        java.util.Arrays.fill(r, 0);
        java.util.Arrays.fill(p, 0);
        java.util.Arrays.fill(d, 0);
        java.util.Arrays.fill(a, 0);
        java.util.Arrays.fill(b, 0);
    }

    /**
     * One sample period after the code was chosen (encoder) or received (decoder): adapts the
     * scale factor to the code's magnitude and the predictor to the quantised difference.
     *
     * @param code the lower band's 4-bit code (the 6-bit code's top bits) or the higher band's 2-bit code
     * @return the quantised difference the predictor was updated with
     */
    int update(int code) {
        int difference = lower ? (det * QM4[code]) >> 15 : (det * QM2[code]) >> 15;
        adaptScale(code);
        adaptPredictor(difference);
        return difference;
    }

    /** Blocks LOGSCL/SCALEL (lower) and LOGSCH/SCALEH (higher). */
    private void adaptScale(int code) {
        int decayed = (nb * 127) >> 7;
        if (lower) {
            nb = clamp(decayed + WL[RL42[code]], 0, 18_432);
        }
        else {
            nb = clamp(decayed + WH[RH2[code]], 0, 22_528);
        }
        int mantissa = ILB[(nb >> 6) & 31];
        int shift = (lower ? 8 : 10) - (nb >> 11);
        int scale = shift < 0 ? mantissa << -shift : mantissa >> shift;
        det = scale << 2;
    }

    /** Blocks RECONS, PARREC, UPPOL2, UPPOL1, UPZERO, DELAYA, FILTEP, FILTEZ, PREDIC. */
    private void adaptPredictor(int difference) {
        r[0] = saturate(estimate + difference);
        p[0] = saturate(zeroEstimate + difference);

        // UPPOL2: the second pole, leaking towards 0, pushed by the signs of P's last three values.
        int sign0 = p[0] >> 15;
        int sign1 = p[1] >> 15;
        int sign2 = p[2] >> 15;
        int wd1 = saturate(a[1] << 2);
        int wd2 = sign0 == sign1 ? -wd1 : wd1;
        if (wd2 > 32_767) {
            wd2 = 32_767;
        }
        int a2 = (wd2 >> 7) + (sign0 == sign2 ? 128 : -128) + ((a[2] * 32_512) >> 15);
        a2 = clamp(a2, -12_288, 12_288);

        // UPPOL1: the first pole, kept inside the stability triangle of the second.
        int a1 = saturate((sign0 == sign1 ? 192 : -192) + ((a[1] * 32_640) >> 15));
        int limit = saturate(15_360 - a2);
        a1 = clamp(a1, -limit, limit);

        // UPZERO: the six zeros, sign-sign adaptation on the difference signal.
        int step = difference == 0 ? 0 : 128;
        int signD = difference >> 15;
        for (int i = 1; i < 7; i++) {
            int push = (d[i] >> 15) == signD ? step : -step;
            b[i] = saturate(push + ((b[i] * 32_640) >> 15));
        }

        // DELAYA
        for (int i = 6; i > 1; i--) {
            d[i] = d[i - 1];
        }
        d[1] = difference;
        r[2] = r[1];
        r[1] = r[0];
        p[2] = p[1];
        p[1] = p[0];
        a[1] = a1;
        a[2] = a2;

        // FILTEP, FILTEZ, PREDIC: the next estimate.
        int pole1 = (a[1] * saturate(r[1] + r[1])) >> 15;
        int pole2 = (a[2] * saturate(r[2] + r[2])) >> 15;
        poleEstimate = saturate(pole1 + pole2);
        int zeros = 0;
        for (int i = 6; i > 0; i--) {
            zeros += (b[i] * saturate(d[i] + d[i])) >> 15;
        }
        zeroEstimate = saturate(zeros);
        estimate = saturate(poleEstimate + zeroEstimate);
    }

    static int saturate(int value) {
        return value > 32_767 ? 32_767 : value < -32_768 ? -32_768 : value;
    }

    static int clamp(int value, int min, int max) {
        return value < min ? min : value > max ? max : value;
    }
}
