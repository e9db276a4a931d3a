package org.callvault.loadtool;

/**
 * G.711 mu-law (ITU-T G.711, the segment encoding with bias 0x84), for the SIP phone: its tone is
 * sent as PCMU and what it hears is decoded to check the agent's tone. The tool has no codec
 * library and needs only this one law.
 */
final class Ulaw {

    private static final int BIAS = 0x84;
    private static final int CLIP = 32635;
    private static final short[] DECODE = new short[256];

    static {
        for (int i = 0; i < 256; i++) {
            DECODE[i] = decodeSlow((byte) i);
        }
    }

    private Ulaw() {
    }

    static byte encode(short pcm) {
        int sample = pcm;
        int sign = 0;
        if (sample < 0) {
            sample = -sample;
            sign = 0x80;
        }
        if (sample > CLIP) {
            sample = CLIP;
        }
        sample += BIAS;
        // the segment is the position of the highest set bit above bit 7
        int exponent = 7;
        for (int mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (sample >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    static short decode(byte ulaw) {
        return DECODE[ulaw & 0xFF];
    }

    private static short decodeSlow(byte ulaw) {
        int u = ~ulaw & 0xFF;
        int exponent = (u >> 4) & 0x07;
        int mantissa = u & 0x0F;
        int magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
        return (short) ((u & 0x80) != 0 ? -magnitude : magnitude);
    }
}
