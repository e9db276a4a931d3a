package org.callvault.media.codec;

/**
 * ITU-T G.722 encoder at 64 kbit/s (mode 1): two 16 kHz samples in, one byte out (6 bits of the
 * lower band's ADPCM, 2 of the higher band's). See {@link G722Decoder} for the RTP framing.
 */
public final class G722Encoder implements AudioEncoder {

    /** Lower band decision levels Q6 (block QUANTL), in units of the scale factor / 2^12. */
    private static final int[] Q6 = { 0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714,
            786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919 };
    /** The 6-bit codes of the intervals of Q6, for a negative and a positive difference. */
    private static final int[] ILN = { 0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16,
            15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4 };
    private static final int[] ILP = { 0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44,
            43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32 };

    private final G722Band lower = new G722Band(true);
    private final G722Band higher = new G722Band(false);
    private final G722Qmf.Analysis qmf = new G722Qmf.Analysis();

    @Override
    public int sampleRate() {
        return 16_000;
    }

    @Override
    public int maxPayload(int samples) {
        return samples / 2;
    }

    /** Encodes pairs of samples; an odd last sample is dropped (a 20 ms frame at 16 kHz is even). */
    @Override
    public int encode(short[] pcm, int offset, int count, byte[] out, int outOffset) {
        int bytes = count / 2;
        for (int i = 0; i < bytes; i++) {
            qmf.split(pcm[offset + 2 * i], pcm[offset + 2 * i + 1]);
            int lowCode = quantiseLower(G722Band.saturate(qmf.lower() - lower.estimate));
            lower.update(lowCode >> 2);
            int highCode = quantiseHigher(G722Band.saturate(qmf.higher() - higher.estimate));
            higher.update(highCode);
            out[outOffset + i] = (byte) (highCode << 6 | lowCode);
        }
        return bytes;
    }

    /** Block QUANTL: the interval of Q6 (scaled by DETL) the difference's magnitude falls in. */
    private int quantiseLower(int difference) {
        int magnitude = difference < 0 ? -difference - 1 : difference; // ones' complement, as the blocks specify
        int interval = 1;
        while (interval < Q6.length && magnitude >= (Q6[interval] * lower.det) >> 12) {
            interval++; // interval k is [Q6[k-1], Q6[k]); the 30th is everything above Q6[29]
        }
        return difference < 0 ? ILN[interval] : ILP[interval];
    }

    /** Block QUANTH: one decision level, 564 · DETH / 2^12. */
    private int quantiseHigher(int difference) {
        int magnitude = difference < 0 ? -difference - 1 : difference;
        boolean large = magnitude >= (564 * higher.det) >> 12;
        if (difference < 0) {
            return large ? 0 : 1;
        }
        return large ? 2 : 3;
    }
}
