package org.callvault.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * An Ogg Opus file (RFC 7845) written one 20 ms packet at a time, whoever made the packets: the
 * Opus headers, then pages of at most a second of packets, the last one marked as the end of the
 * stream with the exact end granule. It knows nothing of encoding: {@link OggOpusStream} encodes
 * PCM into it, {@link OpusPacketRecorder} stores the talkers' own packets in it.
 *
 * <p>Not thread-safe; {@link #fileBytes()} may be read from any thread.
 */
final class OggPacketFile {

    /** 20 ms at 48 kHz: the packet duration. */
    static final int PACKET_SAMPLES = 960;
    /** Packets per page: a second of audio, 1.5 % of overhead at 24 kbit/s, one system call a second. */
    private static final int PACKETS_PER_PAGE = 50;
    private static final String VENDOR = "CallVault";

    private final FileChannel channel;
    private final int serial;
    private final int channels;
    private final boolean twoStreams;
    private final int inputRate;
    /** Bytes of the OpusHead page at the start of the file: it may be rewritten until audio follows it. */
    private int headPageBytes;
    private boolean audioWritten;
    /** A page's packets: at most {@link OggPages#MAX_SEGMENTS} lacing values of 255 bytes. */
    private final byte[] pageBody = new byte[OggPages.MAX_SEGMENTS * 255];
    private final int[] packetLengths = new int[PACKETS_PER_PAGE];
    private final byte[] pageBytes = new byte[OggPages.MAX_PAGE_BYTES];
    private int pagePackets;
    private int pageBodyBytes;
    private int pageSegments;
    private int sequence;
    /** 48 kHz samples in the packets appended so far (pre-skip included). */
    private long samples;
    /** Read by the recorder thread while an encoding thread writes: the file's size as it stands. */
    private volatile long fileBytes;

    /**
     * Creates {@code path} (it must not exist, and only the server may read it) and writes the headers.
     *
     * @param twoStreams stereo as two mono streams, one per channel (channel mapping family 1);
     *                   otherwise family 0 (mono, or one coupled stereo stream)
     * @param preSkip    48 kHz samples the decoder drops at the start (encoder lookahead and delays)
     * @param inputRate  the rate the audio had before encoding, for players that want to show it
     */
    OggPacketFile(Path path, int channels, boolean twoStreams, int preSkip, int inputRate) throws IOException {
        if (twoStreams && channels != 2) {
            throw new IllegalArgumentException("Two streams are for stereo, not " + channels + " channel(s)");
        }
        this.serial = path.getFileName().toString().hashCode();
        this.channels = channels;
        this.twoStreams = twoStreams;
        this.inputRate = inputRate;
        this.channel = PrivateFiles.createNew(path);
        try {
            writeHeaders(preSkip);
        }
        catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void writeHeaders(int preSkip) throws IOException {
        writePage(OggPages.FLAG_BOS, 0, head(preSkip), new int[] {headLength()}, 1);
        headPageBytes = (int) fileBytes;
        byte[] vendor = VENDOR.getBytes(StandardCharsets.UTF_8);
        ByteBuffer tags = ByteBuffer.allocate(8 + 4 + vendor.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        tags.put("OpusTags".getBytes(StandardCharsets.US_ASCII)).putInt(vendor.length).put(vendor).putInt(0);
        writePage(0, 0, tags.array(), new int[] {tags.capacity()}, 1);
    }

    /** The OpusHead packet (RFC 7845 §5.1). */
    private byte[] head(int preSkip) {
        // Family 0 (mono, or the old coupled stereo) ends at byte 19; family 1 adds the stream count
        // (2), the coupled count (0) and the channel mapping (channel c is stream c).
        ByteBuffer head = ByteBuffer.allocate(headLength()).order(ByteOrder.LITTLE_ENDIAN);
        head.put("OpusHead".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) channels)
                .putShort((short) preSkip).putInt(inputRate).putShort((short) 0).put((byte) (twoStreams ? 1 : 0));
        if (twoStreams) {
            head.put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 1);
        }
        return head.array();
    }

    private int headLength() {
        return twoStreams ? 23 : 19;
    }

    /**
     * Sets the pre-skip after the fact: allowed until the first page of audio is written (the head
     * page is rewritten in place, its length unchanged).
     */
    void preSkip(int preSkip) throws IOException {
        if (audioWritten) {
            throw new IllegalStateException("The pre-skip is fixed once audio is written");
        }
        if (preSkip < 0 || preSkip > 0xFFFF) {
            throw new IllegalArgumentException("A pre-skip is 0..65535 samples, not " + preSkip);
        }
        int length = OggPages.page(pageBytes, OggPages.FLAG_BOS, 0, serial, 0, head(preSkip), new int[] {headLength()}, 1);
        if (length != headPageBytes) {
            throw new IllegalStateException("The head page changed length");
        }
        ByteBuffer source = ByteBuffer.wrap(pageBytes, 0, length);
        while (source.hasRemaining()) {
            channel.write(source, source.position());
        }
    }

    /**
     * Appends one 20 ms packet; a full page (a second, or its 255 lacing values: large packets)
     * goes to the file first.
     */
    void append(byte[] packet, int offset, int length) throws IOException {
        int segments = length / 255 + 1;
        if (pagePackets == PACKETS_PER_PAGE || pageSegments + segments > OggPages.MAX_SEGMENTS) {
            flushPage(0, samples);
        }
        pageSegments += segments;
        System.arraycopy(packet, offset, pageBody, pageBodyBytes, length);
        packetLengths[pagePackets++] = length;
        pageBodyBytes += length;
        samples += PACKET_SAMPLES;
    }

    /** 48 kHz samples appended so far, pre-skip included. */
    long samples() {
        return samples;
    }

    long fileBytes() {
        return fileBytes;
    }

    /**
     * Writes the last page, marked as the end, with granule {@code end} (pre-skip plus the audio's
     * exact length: a player trims the last packet's padding), forces the file to disk, closes it.
     */
    void finish(long end) throws IOException {
        try {
            if (pagePackets == 0) {
                // Every packet is on disk already: a last page can end the stream only with a packet,
                // so the end is marked on an empty page (allowed; its granule is the end).
                writePage(OggPages.FLAG_EOS, end, pageBody, packetLengths, 0);
            }
            else {
                flushPage(OggPages.FLAG_EOS, end);
            }
            channel.force(true);
        }
        finally {
            close();
        }
    }

    /** Closes the file as it stands: whole pages only, which {@link OggRepair} makes playable. */
    void close() {
        try {
            channel.close();
        }
        catch (IOException ignored) {
            // nothing more can be done for this file; its repair cuts what is torn
        }
    }

    private void flushPage(int flags, long granule) throws IOException {
        audioWritten = true;
        writePage(flags, granule, pageBody, packetLengths, pagePackets);
        pagePackets = 0;
        pageBodyBytes = 0;
        pageSegments = 0;
    }

    private void writePage(int flags, long granule, byte[] body, int[] lengths, int packets) throws IOException {
        int length = OggPages.page(pageBytes, flags, granule, serial, sequence++, body, lengths, packets);
        ByteBuffer source = ByteBuffer.wrap(pageBytes, 0, length);
        long at = fileBytes;
        while (source.hasRemaining()) {
            channel.write(source, at + source.position());
        }
        fileBytes = at + length;
    }
}
