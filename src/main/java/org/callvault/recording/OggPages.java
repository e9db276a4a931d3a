package org.callvault.recording;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The Ogg page (RFC 3533 §6): a 27-byte header, a segment table of lacing values, the body, and a
 * CRC-32 over the whole page (polynomial 0x04C11DB7, not reflected, initial value 0, the CRC field
 * counted as zero). Written and checked here rather than through a library: the format is a page
 * long and crash repair has to know exactly which bytes of a torn file are a whole page.
 */
final class OggPages {

    static final int HEADER_BYTES = 27;
    static final int MAX_SEGMENTS = 255;
    static final int FLAG_CONTINUED = 0x01;
    static final int FLAG_BOS = 0x02;
    static final int FLAG_EOS = 0x04;
    /** The largest page: a full header, 255 lacing values of 255 bytes each. */
    static final int MAX_PAGE_BYTES = HEADER_BYTES + MAX_SEGMENTS + MAX_SEGMENTS * 255;

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

    private OggPages() {
    }

    static int crc(byte[] data, int offset, int length) {
        int crc = 0;
        for (int i = offset; i < offset + length; i++) {
            crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ data[i]) & 0xFF];
        }
        return crc;
    }

    /**
     * Builds one page holding whole packets: {@code packets[i]} is {@code lengths[i]} bytes of
     * {@code body} in order. The caller keeps the lacing within {@link #MAX_SEGMENTS}.
     *
     * @return the page's bytes in {@code out} (from 0), and its length
     */
    static int page(byte[] out, int flags, long granule, int serial, int sequence, byte[] body, int[] lengths,
            int packets) {
        int segments = 0;
        int bodyBytes = 0;
        for (int p = 0; p < packets; p++) {
            segments += lengths[p] / 255 + 1;
            bodyBytes += lengths[p];
        }
        if (segments > MAX_SEGMENTS) {
            throw new IllegalArgumentException(packets + " packets need " + segments + " lacing values, a page has 255");
        }
        ByteBuffer page = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        page.put((byte) 'O').put((byte) 'g').put((byte) 'g').put((byte) 'S').put((byte) 0).put((byte) flags)
                .putLong(granule).putInt(serial).putInt(sequence).putInt(0).put((byte) segments);
        for (int p = 0; p < packets; p++) {
            int left = lengths[p];
            while (left >= 255) {
                page.put((byte) 255);
                left -= 255;
            }
            page.put((byte) left); // a packet of a multiple of 255 bytes ends with a 0
        }
        page.put(body, 0, bodyBytes);
        int length = page.position();
        page.putInt(22, crc(out, 0, length));
        return length;
    }

    /** One page as read back: header fields, and its body with the packet boundaries. */
    record Page(int flags, long granule, int serial, int sequence, byte[] body, int[] lacing, int bytes) {

        boolean eos() {
            return (flags & FLAG_EOS) != 0;
        }
    }

    /**
     * Reads the next page from {@code in}.
     *
     * @return the page, or {@code null} at a clean end of the stream
     * @throws InvalidOggException when what follows is not a whole, valid page (torn, corrupt)
     */
    static Page read(InputStream in) throws IOException {
        byte[] header = in.readNBytes(HEADER_BYTES);
        if (header.length == 0) {
            return null;
        }
        if (header.length < HEADER_BYTES || header[0] != 'O' || header[1] != 'g' || header[2] != 'g'
                || header[3] != 'S' || header[4] != 0) {
            throw new InvalidOggException("Not a whole Ogg page header (" + header.length + " bytes)");
        }
        int segments = header[26] & 0xFF;
        byte[] table = in.readNBytes(segments);
        if (table.length < segments) {
            throw new InvalidOggException("Ogg page cut in its segment table");
        }
        int bodyBytes = 0;
        int[] lacing = new int[segments];
        for (int i = 0; i < segments; i++) {
            lacing[i] = table[i] & 0xFF;
            bodyBytes += lacing[i];
        }
        byte[] body = in.readNBytes(bodyBytes);
        if (body.length < bodyBytes) {
            throw new InvalidOggException("Ogg page cut in its body");
        }
        byte[] whole = new byte[HEADER_BYTES + segments + bodyBytes];
        System.arraycopy(header, 0, whole, 0, HEADER_BYTES);
        System.arraycopy(table, 0, whole, HEADER_BYTES, segments);
        System.arraycopy(body, 0, whole, HEADER_BYTES + segments, bodyBytes);
        ByteBuffer view = ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN);
        int stored = view.getInt(22);
        view.putInt(22, 0);
        if (crc(whole, 0, whole.length) != stored) {
            throw new InvalidOggException("Ogg page CRC mismatch");
        }
        return new Page(header[5] & 0xFF, view.getLong(6), view.getInt(14), view.getInt(18), body, lacing,
                whole.length);
    }

    /** Splits a page's body into its packets (a last packet continued on the next page is returned too, marked by {@code open}). */
    static byte[][] packets(Page page) {
        int count = 0;
        for (int lace : page.lacing()) {
            if (lace < 255) {
                count++;
            }
        }
        boolean open = page.lacing().length > 0 && page.lacing()[page.lacing().length - 1] == 255;
        byte[][] packets = new byte[count + (open ? 1 : 0)][];
        int at = 0;
        int start = 0;
        int index = 0;
        for (int lace : page.lacing()) {
            at += lace;
            if (lace < 255) {
                packets[index++] = Arrays.copyOfRange(page.body(), start, at);
                start = at;
            }
        }
        if (open) {
            packets[index] = Arrays.copyOfRange(page.body(), start, at);
        }
        return packets;
    }

    /** A file that is not Ogg where it should be, or a page that is torn or corrupt. */
    static final class InvalidOggException extends IOException {

        private static final long serialVersionUID = 1L;

        InvalidOggException(String message) {
            super(message);
        }
    }
}
