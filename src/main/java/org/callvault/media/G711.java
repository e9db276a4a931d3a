package org.callvault.media;

import java.util.Objects;

/**
 * ITU-T G.711 companding between PCM16 and the two 8-bit laws carried by SIP phones and trunks:
 * {@link #PCMU} (mu-law, North America and Japan, RTP payload type 0) and {@link #PCMA} (A-law,
 * the rest of the world, payload type 8).
 *
 * <p>Both directions are single table look-ups, built once when the class loads: decoding reads a
 * 256-entry {@code short} table (the ITU reconstruction values, scaled to 16 bits: mu-law's 14-bit
 * values times 4, A-law's 13-bit values times 8); encoding reads a byte table indexed by the
 * sample's top bits (every code is a function of {@code sample >> 2} for mu-law and of
 * {@code sample >> 4} for A-law, so 16 KiB and 4 KiB cover all inputs). The per-sample work is a
 * shift, an add and a load: no branches, no allocation, which matters at 50 frames a second per
 * leg.
 *
 * <p>Negative samples are quantised on their ones' complement, as the ITU reference code
 * (G.191) does: -1 is the smallest negative value, not zero, so mu-law's negative zero (0x7F) is
 * produced for -1..-4 and decodes to 0.
 */
public enum G711 {

    /** mu-law, RTP payload type 0. */
    PCMU(0, 2, muLawDecodeTable()),
    /** A-law, RTP payload type 8. */
    PCMA(8, 4, aLawDecodeTable());

    private final int payloadType;
    private final int encodeShift;
    private final int encodeBias;
    private final short[] decodeTable;
    private final byte[] encodeTable;

    G711(int payloadType, int encodeShift, short[] decodeTable) {
        this.payloadType = payloadType;
        this.encodeShift = encodeShift;
        this.decodeTable = decodeTable;
        int entries = 1 << (16 - encodeShift);
        this.encodeBias = entries / 2;
        this.encodeTable = new byte[entries];
        for (int index = 0; index < entries; index++) {
            // The lowest sample that maps to this index; all others share its code.
            int sample = (index - encodeBias) << encodeShift;
            encodeTable[index] = payloadType == 0 ? muLawEncode(sample) : aLawEncode(sample);
        }
    }

    /** The static RTP payload type of this law (RFC 3551): 0 for PCMU, 8 for PCMA. */
    public int payloadType() {
        return payloadType;
    }

    /** The law with static RTP payload type {@code payloadType}, or {@code null} if it is neither 0 nor 8. */
    public static G711 forPayloadType(int payloadType) {
        return switch (payloadType) {
            case 0 -> PCMU;
            case 8 -> PCMA;
            default -> null;
        };
    }

    /** One code to its PCM16 value. */
    public short decode(byte code) {
        return decodeTable[code & 0xFF];
    }

    /** One PCM16 sample to its code. */
    public byte encode(short sample) {
        return encodeTable[(sample >> encodeShift) + encodeBias];
    }

    /** Decodes {@code src[offset..offset+length)} into {@code dst[dstOffset..]}, one sample per byte. */
    public void decode(byte[] src, int offset, int length, short[] dst, int dstOffset) {
        Objects.checkFromIndexSize(offset, length, src.length);
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        short[] table = decodeTable;
        for (int i = 0; i < length; i++) {
            dst[dstOffset + i] = table[src[offset + i] & 0xFF];
        }
    }

    /** Encodes {@code src[offset..offset+length)} into {@code dst[dstOffset..]}, one byte per sample. */
    public void encode(short[] src, int offset, int length, byte[] dst, int dstOffset) {
        Objects.checkFromIndexSize(offset, length, src.length);
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        byte[] table = encodeTable;
        int shift = encodeShift;
        int bias = encodeBias;
        for (int i = 0; i < length; i++) {
            dst[dstOffset + i] = table[(src[offset + i] >> shift) + bias];
        }
    }

    /**
     * G.711 table 2a: segment {@code s} (0..7) and step {@code q} (0..15) reconstruct to
     * {@code ((2q + 33) << s) - 33} on the 14-bit scale; codes are sent inverted, sign bit set
     * for positive values.
     */
    private static short[] muLawDecodeTable() {
        short[] table = new short[256];
        for (int code = 0; code < 256; code++) {
            int bits = ~code & 0xFF;
            int segment = (bits >> 4) & 0x7;
            int step = bits & 0xF;
            int magnitude = (((2 * step + 33) << segment) - 33) << 2;
            table[code] = (short) ((bits & 0x80) != 0 ? -magnitude : magnitude);
        }
        return table;
    }

    /**
     * G.711 table 1a: segment 0 reconstructs to {@code 2q + 1}, segment {@code s >= 1} to
     * {@code (2q + 33) << (s - 1)} on the 12-bit magnitude scale; even bits are inverted on the
     * line (XOR 0x55), sign bit set for positive values.
     */
    private static short[] aLawDecodeTable() {
        short[] table = new short[256];
        for (int code = 0; code < 256; code++) {
            int bits = code ^ 0x55;
            int segment = (bits >> 4) & 0x7;
            int step = bits & 0xF;
            int magnitude = segment == 0 ? 2 * step + 1 : (2 * step + 33) << (segment - 1);
            magnitude <<= 3;
            table[code] = (short) ((bits & 0x80) != 0 ? magnitude : -magnitude);
        }
        return table;
    }

    /** The mu-law code of one sample; only used to build the table. */
    private static byte muLawEncode(int sample) {
        int sign = sample < 0 ? 0x80 : 0x00; // before the inversion on the line
        // Ones' complement for negatives, 14-bit scale, plus the bias that makes segments powers of two.
        int biased = Math.min(((sample < 0 ? ~sample : sample) >> 2) + 33, 0x1FFF);
        int segment = 31 - Integer.numberOfLeadingZeros(biased) - 5; // biased is 32 << segment .. 64 << segment
        int step = (biased >> (segment + 1)) & 0xF;
        return (byte) ~(sign | (segment << 4) | step);
    }

    /** The A-law code of one sample; only used to build the table. */
    private static byte aLawEncode(int sample) {
        int sign = sample < 0 ? 0x00 : 0x80;
        int magnitude = (sample < 0 ? ~sample : sample) >> 4; // 11 bits: 0..2047
        int code;
        if (magnitude < 16) {
            code = magnitude; // segment 0: linear
        }
        else {
            int segment = 31 - Integer.numberOfLeadingZeros(magnitude) - 3; // 1..7
            code = (segment << 4) | ((magnitude >> (segment - 1)) & 0xF);
        }
        return (byte) ((sign | code) ^ 0x55);
    }
}
