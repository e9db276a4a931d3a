package org.callvault.media;

import java.util.Objects;

/**
 * Combines the two tracks of a call: summed into one mono track, or interleaved into stereo.
 *
 * <p>Summing saturates: two loud voices clip at full scale instead of wrapping around to the
 * opposite sign, which would turn a clipped peak into a loud click. The output may be one of the
 * inputs (mixing in place), because every output sample depends only on the inputs at the same
 * index.
 */
public final class Mixer {

    private Mixer() {
    }

    /** {@code out[i] = a[i] + b[i]} with saturation; all three arrays must have the same length. */
    public static void mix(short[] a, short[] b, short[] out) {
        if (a.length != b.length || out.length != a.length) {
            throw new IllegalArgumentException("Tracks must have the same length: " + a.length + ", " + b.length
                    + " -> " + out.length);
        }
        mix(a, 0, b, 0, out, 0, a.length);
    }

    /** Mixes {@code length} samples of {@code a} and {@code b} into {@code out}, with saturation. */
    public static void mix(short[] a, int aOffset, short[] b, int bOffset, short[] out, int outOffset, int length) {
        Objects.checkFromIndexSize(aOffset, length, a.length);
        Objects.checkFromIndexSize(bOffset, length, b.length);
        Objects.checkFromIndexSize(outOffset, length, out.length);
        for (int i = 0; i < length; i++) {
            // int arithmetic and min/max, no branches: the JIT can vectorize this loop.
            int sum = a[aOffset + i] + b[bOffset + i];
            out[outOffset + i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, sum));
        }
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
