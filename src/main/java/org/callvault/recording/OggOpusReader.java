package org.callvault.recording;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;

import org.callvault.media.codec.AudioDecoder;
import org.callvault.media.codec.OpusCodec;

/**
 * Decodes an Ogg Opus recording back to PCM16 at 48 kHz, piece by piece (the waveform, the
 * on-the-fly WAV download, the conversion's check): the pre-skip is dropped and the last page's
 * granule position trims the end, so what comes out lasts exactly what the file declares. Every
 * page's CRC is checked; a torn or corrupt page ends the stream with an {@link IOException}.
 */
public final class OggOpusReader implements Closeable {

    private final InputStream in;
    private final AudioDecoder decoder;
    private final int channels;
    private final int preSkip;
    private final int inputRate;
    /** 48 kHz sample frames of audio the file holds (end granule minus pre-skip). */
    private final long frames;
    private final ArrayDeque<byte[]> packets = new ArrayDeque<>();
    private final short[] pcm;
    private int pcmAt;
    private int pcmCount;
    /** 48 kHz frames decoded so far, pre-skip included. */
    private long decoded;
    private long delivered;
    private byte[] continued;
    private boolean ended;

    public OggOpusReader(Path file) throws IOException {
        Header header = header(file);
        this.channels = header.channels();
        this.preSkip = header.preSkip();
        this.inputRate = header.inputRate();
        this.frames = Math.max(0, lastGranule(file) - preSkip);
        this.in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
        OggPages.read(in); // OpusHead
        OggPages.read(in); // OpusTags (one page: CallVault writes it so; checked by header())
        this.decoder = header.newDecoder();
        this.pcm = new short[OpusCodec.MAX_FRAME_SAMPLES * channels];
    }

    /**
     * The fields of OpusHead a reader needs (RFC 7845 §5.1). {@code mappingFamily} 0: one stream,
     * mono or (files written before two streams) coupled stereo; 1: stereo as two mono streams.
     */
    public record Header(int channels, int preSkip, int inputRate, int mappingFamily) {

        /** A decoder for the file's packets: interleaved PCM of {@link #channels} out. */
        AudioDecoder newDecoder() {
            return mappingFamily == 1 ? OpusCodec.newTwoStreamDecoder() : OpusCodec.newDecoder(channels);
        }
    }

    /** Reads and checks a file's OpusHead and OpusTags pages. */
    public static Header header(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            OggPages.Page first = OggPages.read(in);
            if (first == null || (first.flags() & OggPages.FLAG_BOS) == 0) {
                throw new OggPages.InvalidOggException(file + " does not start with an Ogg stream");
            }
            byte[] head = OggPages.packets(first)[0];
            if (head.length < 19 || !new String(head, 0, 8, StandardCharsets.US_ASCII).equals("OpusHead")) {
                throw new OggPages.InvalidOggException(file + " is not an Ogg Opus file");
            }
            ByteBuffer view = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            int channels = head[9] & 0xFF;
            int family = head[18] & 0xFF;
            if (!(family == 0 && (channels == 1 || channels == 2)
                    || family == 1 && channels == 2 && isTwoMonoStreams(head))) {
                throw new OggPages.InvalidOggException(file + " has " + channels + " channels in mapping family "
                        + family + ", a layout CallVault does not write");
            }
            OggPages.Page tags = OggPages.read(in);
            if (tags == null || !new String(tags.body(), 0, Math.min(8, tags.body().length), StandardCharsets.US_ASCII)
                    .equals("OpusTags")) {
                throw new OggPages.InvalidOggException(file + " has no OpusTags page");
            }
            return new Header(channels, view.getShort(10) & 0xFFFF, view.getInt(12), family);
        }
    }

    /** Family 1's table (RFC 7845 §5.1.1) as CallVault writes it: 2 streams, 0 coupled, channel c in stream c. */
    private static boolean isTwoMonoStreams(byte[] head) {
        return head.length >= 23 && head[19] == 2 && head[20] == 0 && head[21] == 0 && head[22] == 1;
    }

    /**
     * The granule position of the last whole page with one: found from the end, so a one-hour file
     * is not read through to learn its length.
     */
    public static long lastGranule(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            int tailBytes = (int) Math.min(size, 2L * OggPages.MAX_PAGE_BYTES);
            ByteBuffer tail = ByteBuffer.allocate(tailBytes);
            while (tail.hasRemaining() && channel.read(tail, size - tailBytes + tail.position()) > 0) {
                // fill
            }
            byte[] bytes = tail.array();
            for (int at = tailBytes - OggPages.HEADER_BYTES; at >= 0; at--) {
                if (bytes[at] == 'O' && bytes[at + 1] == 'g' && bytes[at + 2] == 'g' && bytes[at + 3] == 'S') {
                    try {
                        OggPages.Page page = OggPages.read(new ByteArrayInputStream(bytes, at, tailBytes - at));
                        if (page != null && page.granule() != -1) {
                            return page.granule();
                        }
                    }
                    catch (OggPages.InvalidOggException torn) {
                        // not a page start, or the torn last page: look further back
                    }
                }
            }
            return 0;
        }
    }

    public int channels() {
        return channels;
    }

    public int preSkip() {
        return preSkip;
    }

    /** The rate the audio was recorded at (OpusHead's input sample rate). */
    public int inputRate() {
        return inputRate;
    }

    /** 48 kHz sample frames the file holds. */
    public long frames() {
        return frames;
    }

    public long durationMillis() {
        return frames * 1000 / OpusCodec.SAMPLE_RATE;
    }

    /**
     * Decodes up to {@code maxFrames} sample frames (interleaved) into {@code out}.
     *
     * @return frames written, or -1 at the end
     */
    public int read(short[] out, int maxFrames) throws IOException {
        while (pcmCount == 0) {
            if (delivered >= frames || !decodeNext()) {
                return -1;
            }
        }
        int count = (int) Math.min(Math.min(maxFrames, pcmCount), frames - delivered);
        System.arraycopy(pcm, pcmAt * channels, out, 0, count * channels);
        pcmAt += count;
        pcmCount -= count;
        delivered += count;
        if (delivered >= frames) {
            pcmCount = 0;
        }
        return count;
    }

    private boolean decodeNext() throws IOException {
        while (packets.isEmpty()) {
            if (ended) {
                return false;
            }
            OggPages.Page page = OggPages.read(in);
            if (page == null) {
                ended = true;
                return false;
            }
            byte[][] list = OggPages.packets(page);
            boolean open = page.lacing().length > 0 && page.lacing()[page.lacing().length - 1] == 255;
            for (int i = 0; i < list.length; i++) {
                byte[] packet = list[i];
                if (i == 0 && continued != null && (page.flags() & OggPages.FLAG_CONTINUED) != 0) {
                    byte[] joined = new byte[continued.length + packet.length];
                    System.arraycopy(continued, 0, joined, 0, continued.length);
                    System.arraycopy(packet, 0, joined, continued.length, packet.length);
                    packet = joined;
                    continued = null;
                }
                if (open && i == list.length - 1) {
                    continued = packet;
                }
                else {
                    packets.add(packet);
                }
            }
            if (page.eos()) {
                ended = true;
            }
        }
        byte[] packet = packets.poll();
        int samples = decoder.decode(packet, 0, packet.length, pcm, 0);
        long skip = Math.max(0, Math.min(samples, preSkip - decoded));
        decoded += samples;
        pcmAt = (int) skip;
        pcmCount = (int) (samples - skip);
        return true;
    }

    @Override
    public void close() throws IOException {
        OpusCodec.release(decoder);
        in.close();
    }
}
