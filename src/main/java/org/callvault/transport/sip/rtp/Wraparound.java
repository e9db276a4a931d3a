package org.callvault.transport.sip.rtp;

/**
 * Extends RTP's 16-bit sequence numbers and 32-bit timestamps to 64 bits by choosing, among the
 * values with the same low bits, the one nearest a reference. So 65535 followed by 0 is one step
 * forward, and a packet reordered across the wrap lands one step behind rather than a cycle ahead.
 */
public final class Wraparound {

    private static final long SEQ_MOD = 1L << 16;
    private static final long TS_MOD = 1L << 32;

    private Wraparound() {
    }

    /** The extended sequence number nearest {@code reference} whose low 16 bits are {@code seq}. */
    public static long extendSequence(long reference, int seq) {
        return nearest(reference, seq & 0xFFFF, SEQ_MOD);
    }

    /** The extended timestamp nearest {@code reference} whose low 32 bits are {@code timestamp}. */
    public static long extendTimestamp(long reference, long timestamp) {
        return nearest(reference, timestamp & 0xFFFF_FFFFL, TS_MOD);
    }

    private static long nearest(long reference, long low, long modulus) {
        long candidate = (reference & -modulus) | low;
        long diff = candidate - reference;
        if (diff > modulus / 2) {
            candidate -= modulus;
        } else if (diff < -modulus / 2) {
            candidate += modulus;
        }
        return candidate;
    }
}
