package org.callvault.media;

import java.util.Objects;

/**
 * Combines the two tracks of a call: summed into one mono track, or interleaved into stereo.
 *
 * <p>The mono sum goes through a soft limiter instead of saturating. Two people talking loudly
 * at once sum to up to twice full scale; clamping that flattens the peaks into runs of ±32767,
 * which is heard as crackle (issue 17 measured 55 such samples in 12 s of an ordinary call).
 * Below the knee ({@link #KNEE}, −2.5 dBFS) the sum passes bit-exact, so one party talking while
 * the other is silent keeps its level; above it the excess is compressed along
 * {@code knee + r·x / (x + r)} (x the excess, r the room left to full scale), which meets the
 * straight line with the same slope (no audible corner) and approaches but never reaches full
 * scale: even two full-scale inputs come out at {@link #CEILING}. The limiter works on each
 * sample alone (no envelope, no state), so the output may be one of the inputs (mixing in place)
 * and a frame mixes the same whatever was mixed before it.
 */
public final class Mixer {

    /** Sums up to this magnitude pass unchanged: 0.75 of full scale, −2.5 dBFS. */
    public static final int KNEE = 24_576;

    /** The room between the knee and full scale that the limited excess is squeezed into. */
    private static final float ROOM = Short.MAX_VALUE - KNEE;

    /** The largest magnitude the mix can produce: two full-scale inputs, limited. */
    public static final int CEILING = -limit(2 * Short.MIN_VALUE);

    private Mixer() {
    }

    /** {@code out[i] = limit(a[i] + b[i])}; all three arrays must have the same length. */
    public static void mix(short[] a, short[] b, short[] out) {
        if (a.length != b.length || out.length != a.length) {
            throw new IllegalArgumentException("Tracks must have the same length: " + a.length + ", " + b.length
                    + " -> " + out.length);
        }
        mix(a, 0, b, 0, out, 0, a.length);
    }

    /** Mixes {@code length} samples of {@code a} and {@code b} into {@code out}, through the soft limiter. */
    public static void mix(short[] a, int aOffset, short[] b, int bOffset, short[] out, int outOffset, int length) {
        Objects.checkFromIndexSize(aOffset, length, a.length);
        Objects.checkFromIndexSize(bOffset, length, b.length);
        Objects.checkFromIndexSize(outOffset, length, out.length);
        // Most frames of a call never reach the knee: find the frame's peak first (a reduction the
        // JIT vectorizes), and only then pay for the limiter's division. limit(x) == x up to the
        // knee, so both paths give the same samples; the output is written in one pass either way,
        // which keeps mixing in place correct.
        int peak = 0;
        for (int i = 0; i < length; i++) {
            peak = Math.max(peak, Math.abs(a[aOffset + i] + b[bOffset + i]));
        }
        if (peak <= KNEE) {
            for (int i = 0; i < length; i++) {
                out[outOffset + i] = (short) (a[aOffset + i] + b[bOffset + i]);
            }
            return;
        }
        for (int i = 0; i < length; i++) {
            out[outOffset + i] = (short) limit(a[aOffset + i] + b[bOffset + i]);
        }
    }

    /**
     * The soft limiter on one sum of two samples (−65536 to 65534): unchanged up to {@link #KNEE},
     * compressed above it, always strictly inside the 16-bit range. Only abs, max, int/float
     * conversions, one float division and sign arithmetic, no branch and no {@code Math.round}:
     * operations C2 has vector forms of, so the loop around it can still be vectorized.
     */
    static int limit(int sum) {
        int magnitude = Math.abs(sum);
        float excess = Math.max(0, magnitude - KNEE);
        // x − r·x/(x+r) = x²/(x+r) is what the limiter takes away: 0 below the knee; rounded half up.
        int limited = magnitude - (int) (excess * excess / (excess + ROOM) + 0.5f);
        int sign = sum >> 31; // 0 or −1: (v ^ sign) − sign is v or −v
        return (limited ^ sign) - sign;
    }

    /**
     * Interleaves two tracks of the same length into stereo: {@code out = L0 R0 L1 R1 ...};
     * {@code out} must be exactly twice as long.
     */
    public static void interleave(short[] left, short[] right, short[] out) {
        if (left.length != right.length || out.length != 2 * left.length) {
            throw new IllegalArgumentException("Stereo needs two tracks of the same length and an output twice as long: "
                    + left.length + ", " + right.length + " -> " + out.length);
        }
        interleave(left, 0, right, 0, out, 0, left.length);
    }

    /** Interleaves {@code frames} samples of each track into {@code 2 * frames} samples of {@code out}. */
    public static void interleave(short[] left, int leftOffset, short[] right, int rightOffset,
            short[] out, int outOffset, int frames) {
        Objects.checkFromIndexSize(leftOffset, frames, left.length);
        Objects.checkFromIndexSize(rightOffset, frames, right.length);
        Objects.checkFromIndexSize(outOffset, 2 * frames, out.length);
        if (out == left || out == right) {
            // Interleaving doubles the length, so writing over an input would destroy samples
            // that have not been read yet.
            throw new IllegalArgumentException("Stereo output cannot share an array with an input");
        }
        for (int i = 0; i < frames; i++) {
            out[outOffset + 2 * i] = left[leftOffset + i];
            out[outOffset + 2 * i + 1] = right[rightOffset + i];
        }
    }
}
