package org.callvault.loadtool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;

/**
 * Reads an Ogg stream (RFC 3533) page by page, or packet by packet across pages. Every page must be
 * whole and carry its CRC-32 (polynomial 0x04C11DB7, not reflected, initial value 0, the CRC field
 * counted as zero); anything else ends the reading with a {@link BadPage}. The tool reads the
 * server's files as any player would, with its own code: it is a separate program and must not take
 * the server's word for its own format.
 */
final class OggPageReader {

    static final int HEADER_BYTES = 27;
    /** The largest page: a full header, 255 lacing values of 255 bytes each. */
    static final int MAX_PAGE_BYTES = HEADER_BYTES + 255 + 255 * 255;
    static final int FLAG_CONTINUED = 0x01;
    static final int FLAG_BOS = 0x02;
    static final int FLAG_EOS = 0x04;

    private static final int[] CRC_TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int bit = 0; bit < 8; bit++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            }
            CRC_TABLE[i] = r;
        }
    }

    /** One page: where it starts in the stream, its header fields, lacing values and body. */
    record Page(long offset, int flags, long granule, int serial, int sequence, int[] lacing, byte[] body) {

        boolean eos() {
            return (flags & FLAG_EOS) != 0;
        }

        boolean bos() {
            return (flags & FLAG_BOS) != 0;
        }

        /** Bytes of the whole page in the stream. */
        int length() {
            return HEADER_BYTES + lacing.length + body.length;
        }
    }

    /** What follows is not a whole, valid page: torn, corrupt, or not Ogg at all. */
    static final class BadPage extends IOException {

        private static final long serialVersionUID = 1L;

        BadPage(String message) {
            super(message);
        }
    }

    private final InputStream in;
    private long offset;
    private final ArrayDeque<byte[]> packets = new ArrayDeque<>();
    /** The start of a packet that goes on in the next page, or null. */
    private byte[] pending;

    OggPageReader(InputStream in) {
        this.in = in;
    }

    static int crc(byte[] data, int offset, int length) {
        int crc = 0;
        for (int i = offset; i < offset + length; i++) {
            crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ data[i]) & 0xFF];
        }
        return crc;
    }

    /**
     * The next page, or {@code null} where the stream ends cleanly (right after a page).
     *
     * @throws BadPage when the bytes that follow are not one whole page with a valid CRC
     */
    Page nextPage() throws IOException {
        byte[] header = in.readNBytes(HEADER_BYTES);
        if (header.length == 0) {
            return null;
        }
        long at = offset;
        if (header.length < HEADER_BYTES || header[0] != 'O' || header[1] != 'g' || header[2] != 'g'
                || header[3] != 'S') {
            throw new BadPage("no whole Ogg page header at byte " + at + " (" + header.length + " bytes left)");
        }
        if (header[4] != 0) {
            throw new BadPage("Ogg version " + header[4] + " at byte " + at);
        }
        int segments = header[26] & 0xFF;
        byte[] table = in.readNBytes(segments);
        int bodyBytes = 0;
        int[] lacing = new int[table.length];
        for (int i = 0; i < table.length; i++) {
            lacing[i] = table[i] & 0xFF;
            bodyBytes += lacing[i];
        }
        byte[] body = table.length < segments ? new byte[0] : in.readNBytes(bodyBytes);
        if (table.length < segments || body.length < bodyBytes) {
            throw new BadPage("torn page at byte " + at + ": the file ends inside it");
        }
        byte[] whole = new byte[HEADER_BYTES + segments + bodyBytes];
        System.arraycopy(header, 0, whole, 0, HEADER_BYTES);
        System.arraycopy(table, 0, whole, HEADER_BYTES, segments);
        System.arraycopy(body, 0, whole, HEADER_BYTES + segments, bodyBytes);
        ByteBuffer view = ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN);
        int stored = view.getInt(22);
        view.putInt(22, 0);
        if (crc(whole, 0, whole.length) != stored) {
            throw new BadPage("CRC mismatch in the page at byte " + at);
        }
        offset += whole.length;
        return new Page(at, header[5] & 0xFF, view.getLong(6), view.getInt(14), view.getInt(18), lacing, body);
    }

    /**
     * The next whole packet, joined across pages; {@code null} at the end of the stream (a packet
     * the last page leaves open is not one).
     */
    byte[] nextPacket() throws IOException {
        while (packets.isEmpty()) {
            Page page = nextPage();
            if (page == null) {
                return null;
            }
            if ((page.flags() & FLAG_CONTINUED) == 0) {
                pending = null; // a page that does not continue it ends a packet left open
            }
            int start = 0;
            int at = 0;
            for (int lace : page.lacing()) {
                at += lace;
                if (lace < 255) {
                    packets.add(join(page.body(), start, at));
                    start = at;
                }
            }
            if (start < at) { // the last lacing value is 255: the packet goes on in the next page
                pending = join(page.body(), start, at);
            }
        }
        return packets.poll();
    }

    /** {@link #pending} followed by {@code body[from, to)}; clears {@link #pending}. */
    private byte[] join(byte[] body, int from, int to) {
        byte[] head = pending == null ? new byte[0] : pending;
        byte[] packet = new byte[head.length + to - from];
        System.arraycopy(head, 0, packet, 0, head.length);
        System.arraycopy(body, from, packet, head.length, to - from);
        pending = null;
        return packet;
    }
}
