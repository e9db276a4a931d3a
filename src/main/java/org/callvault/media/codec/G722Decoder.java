package org.callvault.media.codec;

/**
 * ITU-T G.722 decoder at 64 kbit/s (mode 1): each byte is one 8 kHz sample period of both bands
 * (6 bits lower band, 2 bits higher band) and decodes to two samples at 16 kHz. RTP carries it as
 * payload type 9 with a clock of 8000 (RFC 3551 §4.5.2, a historical error kept for
 * compatibility): 160 bytes and 160 timestamp units per 20 ms, 320 samples out.
 */
public final class G722Decoder implements AudioDecoder {

    /**
     * Lower band, 6-bit inverse quantiser outputs QM6 (block INVQBL), by code: the codes the
     * encoder uses are 4..63; 0..3 are not produced and decode as the smallest negative level.
     */
    private static final int[] QM6 = { -136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512,
            -12280, -11192, -10232, -9360, -8576, -7856, -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576,
            -3168, -2776, -2400, -2032, -1688, -1360, -1040, -728, 24808, 21904, 19008, 16704, 14984, 13512, 12280,
            11192, 10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456, 4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032,
            1688, 1360, 1040, 728, 432, 136, -432, -136 };

    private final G722Band lower = new G722Band(true);
    private final G722Band higher = new G722Band(false);
    private final G722Qmf.Synthesis qmf = new G722Qmf.Synthesis();

    @Override
    public int sampleRate() {
        return 16_000;
    }

    @Override
    public int maxSamples(int payloadLength) {
        return 2 * payloadLength;
    }

    @Override
    public int decode(byte[] payload, int offset, int length, short[] out, int outOffset) {
        for (int i = 0; i < length; i++) {
            int code = payload[offset + i] & 0xFF;
            int lowCode = code & 0x3F;
            int highCode = code >> 6;
            // The output uses all six bits; the predictor adapts on the top four, as the encoder's does.
            int lowOut = G722Band.clamp(lower.estimate + ((lower.det * QM6[lowCode]) >> 15), -16_384, 16_383);
            lower.update(lowCode >> 2);
            int highOut = G722Band.clamp(higher.estimate + ((higher.det * G722Band.QM2[highCode]) >> 15), -16_384,
                    16_383);
            higher.update(highCode);
            qmf.join(lowOut, highOut, out, outOffset + 2 * i);
        }
        return 2 * length;
    }

    @Override
    public void reset() {
        lower.reset();
        higher.reset();
        qmf.reset();
    }
}
