package org.callvault.transport.sip.rtp;

/**
 * A reusable view of one RTP packet (RFC 3550 section 5.1) inside a caller's byte array, and the
 * writer of packets into caller-supplied buffers.
 *
 * <p>{@link #wrap} checks every length the header claims against the bytes that are really there
 * and never throws for network input: a packet that does not hold together is rejected with a
 * {@link Problem}. The view copies nothing; it is valid until the caller reuses the array.
 */
public final class RtpPacket {

    /** Fixed header: V/P/X/CC, M/PT, sequence number, timestamp, SSRC. */
    public static final int HEADER_LENGTH = 12;

    /** Why {@link #wrap} refused a packet. */
    public enum Problem {
        NONE,
        /** Shorter than the 12-byte fixed header (or a null array / bad bounds). */
        TOO_SHORT,
        /** Version field is not 2. */
        BAD_VERSION,
        /** The CSRC count claims more identifiers than the packet holds. */
        CSRC_OVERRUN,
        /** The X bit is set but the 4-byte extension header does not fit. */
        EXTENSION_HEADER_OVERRUN,
        /** The header extension's length runs past the end of the packet. */
        EXTENSION_OVERRUN,
        /** The P bit is set but the last byte (the padding count) is 0. */
        PADDING_ZERO,
        /** The padding count is larger than what follows the header. */
        PADDING_OVERRUN,
        /** Payload type 72-76: an RTCP packet on a multiplexed port (RFC 5761), not RTP. */
        RTCP_PAYLOAD_TYPE
    }

    private byte[] buffer;
    private int offset;
    private int length;
    private int payloadOffset;
    private int payloadLength;
    private Problem problem = Problem.TOO_SHORT;

    /**
     * Points this view at {@code length} bytes of {@code buffer} from {@code offset} and checks
     * them. Returns true for a well-formed packet; otherwise {@link #problem()} says why and the
     * accessors must not be used.
     */
    public boolean wrap(byte[] buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.payloadOffset = 0;
        this.payloadLength = 0;
        problem = check();
        return problem == Problem.NONE;
    }

    private Problem check() {
        if (buffer == null || offset < 0 || length < HEADER_LENGTH || offset > buffer.length - length) {
            return Problem.TOO_SHORT;
        }
        int first = buffer[offset] & 0xFF;
        if (first >>> 6 != 2) {
            return Problem.BAD_VERSION;
        }
        int payloadType = buffer[offset + 1] & 0x7F;
        if (payloadType >= 72 && payloadType <= 76) {
            return Problem.RTCP_PAYLOAD_TYPE;
        }
        int headerEnd = HEADER_LENGTH + 4 * (first & 0x0F);
        if (headerEnd > length) {
            return Problem.CSRC_OVERRUN;
        }
        if ((first & 0x10) != 0) {
            if (headerEnd + 4 > length) {
                return Problem.EXTENSION_HEADER_OVERRUN;
            }
            int words = ((buffer[offset + headerEnd + 2] & 0xFF) << 8) | (buffer[offset + headerEnd + 3] & 0xFF);
            headerEnd += 4 + 4 * words;
            if (headerEnd > length) {
                return Problem.EXTENSION_OVERRUN;
            }
        }
        int padding = 0;
        if ((first & 0x20) != 0) {
            padding = buffer[offset + length - 1] & 0xFF;
            if (padding == 0) {
                return Problem.PADDING_ZERO;
            }
            if (padding > length - headerEnd) {
                return Problem.PADDING_OVERRUN;
            }
        }
        payloadOffset = offset + headerEnd;
        payloadLength = length - headerEnd - padding;
        return Problem.NONE;
    }

    /** {@link Problem#NONE} after a successful {@link #wrap}, else the reason the packet was refused. */
    public Problem problem() {
        return problem;
    }

    public byte[] array() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    public boolean padding() {
        return (buffer[offset] & 0x20) != 0;
    }

    public boolean extension() {
        return (buffer[offset] & 0x10) != 0;
    }

    public int csrcCount() {
        return buffer[offset] & 0x0F;
    }

    /** The {@code index}-th contributing source, as the 32 bits on the wire. */
    public int csrc(int index) {
        return readInt(buffer, offset + HEADER_LENGTH + 4 * index);
    }

    public boolean marker() {
        return (buffer[offset + 1] & 0x80) != 0;
    }

    public int payloadType() {
        return buffer[offset + 1] & 0x7F;
    }

    /** 0..65535. */
    public int sequenceNumber() {
        return ((buffer[offset + 2] & 0xFF) << 8) | (buffer[offset + 3] & 0xFF);
    }

    /** 0..2^32-1. */
    public long timestamp() {
        return readInt(buffer, offset + 4) & 0xFFFF_FFFFL;
    }

    /** The synchronization source, as the 32 bits on the wire. */
    public int ssrc() {
        return readInt(buffer, offset + 8);
    }

    /** The header extension's 16-bit profile word; 0 when the packet has none. */
    public int extensionProfile() {
        if (!extension()) {
            return 0;
        }
        int at = offset + HEADER_LENGTH + 4 * csrcCount();
        return ((buffer[at] & 0xFF) << 8) | (buffer[at + 1] & 0xFF);
    }

    /** Index in {@link #array()} where the payload starts (after CSRCs and extension). */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** Payload bytes, padding excluded; may be 0 (a keep-alive). */
    public int payloadLength() {
        return payloadLength;
    }

    /**
     * Writes a 12-byte header (no CSRC, no extension, no padding) at {@code offset}, so that a
     * codec can then encode straight into {@code destination} after it. Returns {@link #HEADER_LENGTH}.
     *
     * @throws IllegalArgumentException when the caller's buffer is too small or a field is out of
     *         range (a programming error, not network input)
     */
    public static int writeHeader(byte[] destination, int offset, boolean marker, int payloadType, int sequenceNumber,
            long timestamp, int ssrc) {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type must be 0..127: " + payloadType);
        }
        if (offset < 0 || offset > destination.length - HEADER_LENGTH) {
            throw new IllegalArgumentException("no room for an RTP header at " + offset + " in " + destination.length + " bytes");
        }
        destination[offset] = (byte) 0x80;
        destination[offset + 1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        destination[offset + 2] = (byte) (sequenceNumber >>> 8);
        destination[offset + 3] = (byte) sequenceNumber;
        writeInt(destination, offset + 4, (int) timestamp);
        writeInt(destination, offset + 8, ssrc);
        return HEADER_LENGTH;
    }

    /** Writes a whole packet: header and a copy of the payload. Returns the packet's length. */
    public static int write(byte[] destination, int offset, boolean marker, int payloadType, int sequenceNumber,
            long timestamp, int ssrc, byte[] payload, int payloadOffset, int payloadLength) {
        if (payloadLength < 0 || offset > destination.length - HEADER_LENGTH - payloadLength) {
            throw new IllegalArgumentException("no room for " + payloadLength + " payload bytes at " + offset
                    + " in " + destination.length + " bytes");
        }
        writeHeader(destination, offset, marker, payloadType, sequenceNumber, timestamp, ssrc);
        System.arraycopy(payload, payloadOffset, destination, offset + HEADER_LENGTH, payloadLength);
        return HEADER_LENGTH + payloadLength;
    }

    static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    static void writeInt(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 24);
        b[at + 1] = (byte) (value >>> 16);
        b[at + 2] = (byte) (value >>> 8);
        b[at + 3] = (byte) value;
    }
}
