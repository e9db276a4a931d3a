package org.callvault.loadtool;

/**
 * RTP (RFC 3550) as the SIP phone needs it: a 12-byte header without CSRC or extension, and a check
 * of what comes in. Pure functions on byte arrays, so they can be tested without sockets.
 */
final class Rtp {

    static final int HEADER_BYTES = 12;
    static final int PCMU = 0;

    private Rtp() {
    }

    /** Writes the fixed header at {@code off}: version 2, no padding, extension or CSRC. */
    static void writeHeader(byte[] out, int off, boolean marker, int payloadType, int sequence, long timestamp, int ssrc) {
        out[off] = (byte) 0x80;
        out[off + 1] = (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7F));
        out[off + 2] = (byte) (sequence >> 8);
        out[off + 3] = (byte) sequence;
        out[off + 4] = (byte) (timestamp >> 24);
        out[off + 5] = (byte) (timestamp >> 16);
        out[off + 6] = (byte) (timestamp >> 8);
        out[off + 7] = (byte) timestamp;
        out[off + 8] = (byte) (ssrc >> 24);
        out[off + 9] = (byte) (ssrc >> 16);
        out[off + 10] = (byte) (ssrc >> 8);
        out[off + 11] = (byte) ssrc;
    }

    /**
     * Offset of the payload of an RTP packet of {@code payloadType} in {@code data[0..len)}, or -1 when
     * it is not one (too short, version not 2, another payload type, RTCP, bad padding or extension).
     */
    static int payloadOffset(byte[] data, int len, int payloadType) {
        if (len < HEADER_BYTES || (data[0] & 0xC0) != 0x80 || (data[1] & 0x7F) != payloadType) {
            return -1;
        }
        int off = HEADER_BYTES + 4 * (data[0] & 0x0F);
        if ((data[0] & 0x10) != 0) {
            if (off + 4 > len) {
                return -1;
            }
            off += 4 + 4 * (((data[off + 2] & 0xFF) << 8) | (data[off + 3] & 0xFF));
        }
        int end = len;
        if ((data[0] & 0x20) != 0) {
            end -= data[len - 1] & 0xFF;
        }
        return off <= end ? off : -1;
    }

    /** Payload length of a packet whose payload starts at {@code off} (padding removed). */
    static int payloadLength(byte[] data, int len, int off) {
        int end = (data[0] & 0x20) != 0 ? len - (data[len - 1] & 0xFF) : len;
        return end - off;
    }

    static int sequence(byte[] data) {
        return ((data[2] & 0xFF) << 8) | (data[3] & 0xFF);
    }

    static long timestamp(byte[] data) {
        return ((data[4] & 0xFFL) << 24) | ((data[5] & 0xFFL) << 16) | ((data[6] & 0xFFL) << 8) | (data[7] & 0xFFL);
    }

    static int ssrc(byte[] data) {
        return ((data[8] & 0xFF) << 24) | ((data[9] & 0xFF) << 16) | ((data[10] & 0xFF) << 8) | (data[11] & 0xFF);
    }

    /**
     * Extends 16-bit sequence numbers to a running 64-bit count (RFC 3550 A.1's cycles), so that the
     * tool's {@link SeqTracker} sees one increasing sequence across wrap-around.
     */
    static final class SequenceExtender {
        private long highest = -1;

        long extend(int seq16) {
            if (highest < 0) {
                // the first packet starts in cycle 1, so a late packet from before it stays positive
                highest = 0x10000L | seq16;
                return highest;
            }
            long cycle = highest & ~0xFFFFL;
            long c = cycle | seq16;
            if (c - highest > 0x8000) {
                c -= 0x10000;
            } else if (highest - c > 0x8000) {
                c += 0x10000;
            }
            if (c > highest) {
                highest = c;
            }
            return c;
        }
    }
}
