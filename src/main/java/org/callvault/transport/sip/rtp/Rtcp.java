package org.callvault.transport.sip.rtp;

import java.nio.charset.StandardCharsets;

/**
 * RTCP (RFC 3550 section 6): enough of incoming compound packets to take what a receiver needs
 * (a sender report's NTP time for LSR, a BYE) and to drop the rest safely, and the writer of our
 * receiver reports.
 *
 * <p>{@link #parse} applies the validity checks of RFC 3550 A.2 (version 2 everywhere; the first
 * packet an SR or RR without padding; padding only in the last; lengths that add up exactly) and
 * checks each SR, RR, SDES and BYE against its own length. It never throws for network input.
 */
public final class Rtcp {

    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;
    public static final int BYE = 203;

    private static final int REPORT_BLOCK = 24;

    /** Why a compound packet was refused (and ignored). */
    public enum Problem {
        NONE,
        TOO_SHORT,
        BAD_VERSION,
        /** The first packet is not an SR or RR, or it is padded. */
        NOT_REPORT_FIRST,
        /** A packet's length runs past the end, or the lengths do not add up to the datagram. */
        LENGTH_MISMATCH,
        /** Padding on a packet that is not the last, or a padding count that does not fit. */
        BAD_PADDING,
        /** An SR or RR shorter than its report count needs. */
        REPORT_TRUNCATED,
        /** An SDES chunk or item runs past its packet. */
        SDES_TRUNCATED,
        /** A BYE shorter than its source count or its reason needs. */
        BYE_TRUNCATED
    }

    private Rtcp() {
    }

    /** RFC 5761 demultiplexing: on an rtcp-mux port, the second byte 192..223 marks RTCP. */
    public static boolean looksLikeRtcp(byte[] packet, int offset, int length) {
        if (packet == null || length < 2 || offset < 0 || offset > packet.length - 2) {
            return false;
        }
        int type = packet[offset + 1] & 0xFF;
        return type >= 192 && type <= 223;
    }

    /** Parses a compound packet into {@code out} (reused by the caller). */
    public static Problem parse(byte[] packet, int offset, int length, Compound out) {
        out.clear();
        Problem problem = check(packet, offset, length, out);
        if (problem != Problem.NONE) {
            out.clear(); // nothing of a refused compound may be used
            out.problem = problem;
        }
        return problem;
    }

    private static Problem check(byte[] b, int offset, int length, Compound out) {
        if (b == null || offset < 0 || length < 8 || offset > b.length - length) {
            return Problem.TOO_SHORT;
        }
        int first = b[offset] & 0xFF;
        int firstType = b[offset + 1] & 0xFF;
        if (first >>> 6 != 2) {
            return Problem.BAD_VERSION;
        }
        if ((firstType != SR && firstType != RR) || (first & 0x20) != 0) {
            return Problem.NOT_REPORT_FIRST;
        }
        int end = offset + length;
        int at = offset;
        while (at < end) {
            if (end - at < 4) {
                return Problem.LENGTH_MISMATCH;
            }
            int head = b[at] & 0xFF;
            if (head >>> 6 != 2) {
                return Problem.BAD_VERSION;
            }
            int count = head & 0x1F;
            int type = b[at + 1] & 0xFF;
            int size = 4 * ((((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF)) + 1);
            if (size > end - at) {
                return Problem.LENGTH_MISMATCH;
            }
            int bodyEnd = at + size;
            if ((head & 0x20) != 0) {
                if (bodyEnd != end) {
                    return Problem.BAD_PADDING;
                }
                int padding = b[bodyEnd - 1] & 0xFF;
                if (padding == 0 || padding > size - 4) {
                    return Problem.BAD_PADDING;
                }
                bodyEnd -= padding;
            }
            Problem problem = switch (type) {
                case SR -> senderReport(b, at, bodyEnd, count, out);
                case RR -> receiverReport(b, at, bodyEnd, count, out);
                case SDES -> sourceDescription(b, at, bodyEnd, count, out);
                case BYE -> bye(b, at, bodyEnd, count, out);
                default -> {
                    out.others++; // APP, feedback, XR: not ours to read
                    yield Problem.NONE;
                }
            };
            if (problem != Problem.NONE) {
                return problem;
            }
            out.packets++;
            at += size;
        }
        return Problem.NONE;
    }

    private static Problem senderReport(byte[] b, int at, int end, int count, Compound out) {
        if (end - at < 28 + REPORT_BLOCK * count) {
            return Problem.REPORT_TRUNCATED;
        }
        out.senderReport = true;
        out.senderSsrc = RtpPacket.readInt(b, at + 4);
        // The middle 32 bits of the 64-bit NTP time: what LSR echoes.
        out.ntpMiddle = RtpPacket.readInt(b, at + 10) & 0xFFFF_FFFFL;
        out.senderRtpTimestamp = RtpPacket.readInt(b, at + 16) & 0xFFFF_FFFFL;
        out.senderPackets = RtpPacket.readInt(b, at + 20) & 0xFFFF_FFFFL;
        out.senderOctets = RtpPacket.readInt(b, at + 24) & 0xFFFF_FFFFL;
        out.reportBlocks += count;
        return Problem.NONE;
    }

    private static Problem receiverReport(byte[] b, int at, int end, int count, Compound out) {
        if (end - at < 8 + REPORT_BLOCK * count) {
            return Problem.REPORT_TRUNCATED;
        }
        out.reportBlocks += count;
        return Problem.NONE;
    }

    private static Problem sourceDescription(byte[] b, int at, int end, int count, Compound out) {
        int p = at + 4;
        for (int chunk = 0; chunk < count; chunk++) {
            if (end - p < 4) {
                return Problem.SDES_TRUNCATED;
            }
            p += 4; // SSRC/CSRC
            while (true) {
                if (p >= end) {
                    return Problem.SDES_TRUNCATED;
                }
                int item = b[p] & 0xFF;
                if (item == 0) {
                    p = at + ((p - at) / 4 + 1) * 4; // the list ends with null octets up to a 32-bit boundary
                    break;
                }
                if (end - p < 2 || end - p - 2 < (b[p + 1] & 0xFF)) {
                    return Problem.SDES_TRUNCATED;
                }
                p += 2 + (b[p + 1] & 0xFF);
            }
            if (p > end) {
                return Problem.SDES_TRUNCATED;
            }
        }
        out.sdesChunks += count;
        return Problem.NONE;
    }

    private static Problem bye(byte[] b, int at, int end, int count, Compound out) {
        int p = at + 4 + 4 * count;
        if (p > end) {
            return Problem.BYE_TRUNCATED;
        }
        if (p < end && (b[p] & 0xFF) > end - p - 1) {
            return Problem.BYE_TRUNCATED; // reason length past the end
        }
        if (count > 0) {
            out.bye = true;
            out.byeSsrc = RtpPacket.readInt(b, at + 4);
        }
        return Problem.NONE;
    }

    /**
     * Writes a compound RR + SDES(CNAME) into {@code destination}: one report block on the source
     * {@code stats} follows (none before it has a valid source). Moves the stats' report interval on.
     * Returns the length written.
     *
     * @throws IllegalArgumentException when the buffer is too small or the CNAME longer than 255
     *         bytes (programming errors)
     */
    public static int writeReceiverReport(byte[] destination, int offset, int reporterSsrc, RtpReceiverStats stats,
            long nowNanos, byte[] cname, RtpReceiverStats.ReportBlock scratch) {
        if (cname.length > 255) {
            throw new IllegalArgumentException("CNAME longer than 255 bytes");
        }
        boolean report = stats.hasValidSource();
        int rrLength = 8 + (report ? REPORT_BLOCK : 0);
        int sdesLength = 4 + ((4 + 2 + cname.length) / 4 + 1) * 4;
        if (offset < 0 || offset > destination.length - rrLength - sdesLength) {
            throw new IllegalArgumentException("no room for a " + (rrLength + sdesLength) + "-byte receiver report");
        }
        stats.takeReport(scratch, nowNanos); // only once the report fits: it moves the loss interval on
        int p = offset;
        destination[p] = (byte) (0x80 | (report ? 1 : 0));
        destination[p + 1] = (byte) RR;
        destination[p + 2] = 0;
        destination[p + 3] = (byte) (rrLength / 4 - 1);
        RtpPacket.writeInt(destination, p + 4, reporterSsrc);
        p += 8;
        if (report) {
            RtpPacket.writeInt(destination, p, scratch.ssrc);
            RtpPacket.writeInt(destination, p + 4, (scratch.fractionLost << 24) | (int) (scratch.cumulativeLost & 0xFF_FFFF));
            RtpPacket.writeInt(destination, p + 8, (int) scratch.extendedHighestSequence);
            RtpPacket.writeInt(destination, p + 12, (int) scratch.jitter);
            RtpPacket.writeInt(destination, p + 16, (int) scratch.lastSenderReport);
            RtpPacket.writeInt(destination, p + 20, (int) scratch.delaySinceLastSenderReport);
            p += REPORT_BLOCK;
        }
        destination[p] = (byte) 0x81;
        destination[p + 1] = (byte) SDES;
        destination[p + 2] = 0;
        destination[p + 3] = (byte) (sdesLength / 4 - 1);
        RtpPacket.writeInt(destination, p + 4, reporterSsrc);
        destination[p + 8] = 1; // CNAME
        destination[p + 9] = (byte) cname.length;
        System.arraycopy(cname, 0, destination, p + 10, cname.length);
        for (int i = p + 10 + cname.length; i < p + sdesLength; i++) {
            destination[i] = 0;
        }
        return rrLength + sdesLength;
    }

    /** A CNAME as RFC 3550 wants it: user@host or host, in bytes. */
    public static byte[] cname(String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    /** What {@link #parse} found in a compound packet; reused by the caller. */
    public static final class Compound {
        Problem problem = Problem.NONE;
        int packets;
        boolean senderReport;
        int senderSsrc;
        long ntpMiddle;
        long senderRtpTimestamp;
        long senderPackets;
        long senderOctets;
        int reportBlocks;
        int sdesChunks;
        boolean bye;
        int byeSsrc;
        int others;

        void clear() {
            problem = Problem.NONE;
            packets = 0;
            senderReport = false;
            senderSsrc = 0;
            ntpMiddle = 0;
            senderRtpTimestamp = 0;
            senderPackets = 0;
            senderOctets = 0;
            reportBlocks = 0;
            sdesChunks = 0;
            bye = false;
            byeSsrc = 0;
            others = 0;
        }

        public Problem problem() {
            return problem;
        }

        public int packets() {
            return packets;
        }

        public boolean hasSenderReport() {
            return senderReport;
        }

        public int senderSsrc() {
            return senderSsrc;
        }

        /** The middle 32 bits of the SR's NTP timestamp. */
        public long ntpMiddle() {
            return ntpMiddle;
        }

        public long senderRtpTimestamp() {
            return senderRtpTimestamp;
        }

        public long senderPackets() {
            return senderPackets;
        }

        public long senderOctets() {
            return senderOctets;
        }

        public int reportBlocks() {
            return reportBlocks;
        }

        public int sdesChunks() {
            return sdesChunks;
        }

        public boolean hasBye() {
            return bye;
        }

        public int byeSsrc() {
            return byeSsrc;
        }

        /** Packets of other types (APP, feedback, XR) that were skipped. */
        public int others() {
            return others;
        }
    }
}
