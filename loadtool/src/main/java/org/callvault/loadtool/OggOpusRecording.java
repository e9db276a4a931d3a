package org.callvault.loadtool;

import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusMSDecoder;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * An Ogg Opus recording (RFC 7845) as the recording check reads it: its OpusHead, whether the stream
 * is whole (every page, {@link #scan}), how long it lasts (the last granule position less the
 * pre-skip, at 48 kHz), and the decoded audio of one stretch ({@link #decode}). The layouts the
 * server writes: mono (mapping family 0, one channel), stereo as two mono streams, one party each
 * (family 1, 2 streams, none coupled: every packet but the last stream's self-delimited, RFC 6716
 * Appendix B), and older stereo files with one coupled stream (family 0, two channels). Concentus's
 * multistream decoder takes all three from OpusHead's stream table, so the tool has no framing code
 * of its own.
 */
final class OggOpusRecording {

    static final int SAMPLE_RATE = 48000;
    /** The longest Opus packet: 120 ms at 48 kHz. */
    private static final int MAX_PACKET_FRAMES = 5760;

    private OggOpusRecording() {
    }

    /** The fields of OpusHead (RFC 7845 §5.1) the check needs; family 0 gets its implied stream table. */
    record Head(int channels, int preSkip, int inputRate, int family, int streams, int coupled, short[] mapping) {

        static Head parse(OggPageReader.Page first) throws OggPageReader.BadPage {
            byte[] b = first.body();
            int[] lacing = first.lacing();
            if (b.length < 19 || !startsWith(b, "OpusHead")) {
                throw new OggPageReader.BadPage("not an Ogg Opus file: the first page holds no OpusHead");
            }
            if (lacing[lacing.length - 1] == 255 || Arrays.stream(lacing).filter(l -> l < 255).count() != 1) {
                throw new OggPageReader.BadPage("OpusHead is not alone on the first page (RFC 7845 §3)");
            }
            ByteBuffer view = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            if ((b[8] & 0xF0) != 0) {
                throw new OggPageReader.BadPage("OpusHead version " + (b[8] & 0xFF));
            }
            int channels = b[9] & 0xFF;
            int preSkip = view.getShort(10) & 0xFFFF;
            int inputRate = view.getInt(12);
            int family = b[18] & 0xFF;
            if (channels < 1 || channels > 2) {
                throw new OggPageReader.BadPage(channels + " channels (a recording has 1 or 2)");
            }
            if (family == 0) {
                // RFC 7845 §5.1.1.1: one stream, coupled when stereo
                return new Head(channels, preSkip, inputRate, 0, 1, channels - 1,
                        channels == 1 ? new short[] {0} : new short[] {0, 1});
            }
            if (family != 1) {
                throw new OggPageReader.BadPage("channel mapping family " + family);
            }
            if (b.length < 21 + channels) {
                throw new OggPageReader.BadPage("OpusHead too short for its channel mapping table");
            }
            int streams = b[19] & 0xFF;
            int coupled = b[20] & 0xFF;
            short[] mapping = new short[channels];
            for (int c = 0; c < channels; c++) {
                mapping[c] = (short) (b[21 + c] & 0xFF);
                if (mapping[c] >= streams + coupled && mapping[c] != 255) {
                    throw new OggPageReader.BadPage("channel " + c + " maps to stream channel " + mapping[c]
                            + " of " + (streams + coupled));
                }
            }
            if (streams < 1 || coupled > streams) {
                throw new OggPageReader.BadPage(streams + " streams, " + coupled + " coupled");
            }
            return new Head(channels, preSkip, inputRate, 1, streams, coupled, mapping);
        }
    }

    /**
     * What a walk through every page found. {@code lastGranule} is the last whole page's;
     * {@code problem} is null when the stream is whole and ended, else the first thing wrong; a
     * {@code head} of null means the file is not an Ogg Opus file at all.
     */
    record Scan(Head head, long lastGranule, String problem) {

        /** 48 kHz sample frames the stream declares (RFC 7845 §4.5: end granule less pre-skip). */
        long frames() {
            return head == null ? 0 : Math.max(0, lastGranule - head.preSkip());
        }

        double durationMs() {
            return frames() * 1000.0 / SAMPLE_RATE;
        }
    }

    /** Decoded audio: {@code frames} interleaved sample frames of {@code pcm} hold sound. */
    record Audio(short[] pcm, int frames) {
    }

    /**
     * Reads every page of {@code file}: each whole with a valid CRC, one stream (serial), sequence
     * numbers without a gap, OpusHead alone on the beginning-of-stream page, OpusTags next, the
     * end-of-stream flag on the last page and on no other. Nothing is decoded.
     */
    static Scan scan(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            OggPageReader reader = new OggPageReader(in);
            Head head;
            OggPageReader.Page last;
            try {
                last = reader.nextPage();
                if (last == null || !last.bos()) {
                    return new Scan(null, 0, "not an Ogg stream: no beginning-of-stream page first");
                }
                head = Head.parse(last);
            } catch (OggPageReader.BadPage e) {
                return new Scan(null, 0, e.getMessage());
            }
            int serial = last.serial();
            int pages = 1;
            try {
                for (OggPageReader.Page page; (page = reader.nextPage()) != null; pages++) {
                    String wrong = last.eos() ? "a page after the end-of-stream page, at byte " + page.offset()
                            : page.serial() != serial ? "the page at byte " + page.offset() + " is of another stream"
                            : page.sequence() != last.sequence() + 1 ? "page " + page.sequence() + " follows page "
                            + last.sequence() + " (byte " + page.offset() + "): a page is missing"
                            : page.bos() ? "a second beginning-of-stream page, at byte " + page.offset()
                            : pages == 1 && !startsWith(page.body(), "OpusTags") ? "no OpusTags on the second page"
                            : null;
                    if (wrong != null) {
                        return new Scan(head, last.granule(), wrong);
                    }
                    last = page;
                }
            } catch (OggPageReader.BadPage e) {
                return new Scan(head, last.granule(), "incomplete: " + e.getMessage());
            }
            String problem = pages < 3 ? "no audio pages"
                    : !last.eos() ? "not finalized: the last page (byte " + last.offset() + ") has no end-of-stream flag"
                    : last.granule() == -1 ? "the last page has no granule position"
                    : null;
            return new Scan(head, last.granule(), problem);
        }
    }

    /**
     * Whether the file ends with a whole, valid page that carries the end-of-stream flag: read from
     * the end (the last page starts within the last {@link OggPageReader#MAX_PAGE_BYTES}), so the
     * wait for a recording to be finalized does not read whole files again and again.
     */
    static boolean isFinalized(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            int n = (int) Math.min(size, OggPageReader.MAX_PAGE_BYTES);
            ByteBuffer tail = ByteBuffer.allocate(n);
            while (tail.hasRemaining() && channel.read(tail, size - n + tail.position()) > 0) {
                // fill
            }
            byte[] b = tail.array();
            for (int at = tail.position() - OggPageReader.HEADER_BYTES; at >= 0; at--) {
                if (b[at] == 'O' && b[at + 1] == 'g' && b[at + 2] == 'g' && b[at + 3] == 'S') {
                    try {
                        OggPageReader.Page page = new OggPageReader(new ByteArrayInputStream(b, at, n - at)).nextPage();
                        // the last whole page: if bytes follow it, they are a torn page
                        return at + page.length() == n && page.eos();
                    } catch (OggPageReader.BadPage notAPage) {
                        // "OggS" inside audio, or the torn last page: look further back
                    }
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Decodes 48 kHz sample frames {@code [from, from + count)} of the recording (counted after the
     * pre-skip), interleaved: only the packets up to the stretch's end are decoded. A broken page
     * ends the audio there ({@link #scan} reports it); what came before it is still measured.
     *
     * @throws IOException when a packet does not decode
     */
    static Audio decode(Path file, Head head, long from, int count) throws IOException {
        OpusMSDecoder decoder;
        try {
            decoder = OpusMSDecoder.create(SAMPLE_RATE, head.channels(), head.streams(), head.coupled(), head.mapping());
        } catch (OpusException e) {
            throw new IOException("no Opus decoder for " + head + ": " + e.getMessage(), e);
        }
        int ch = head.channels();
        short[] out = new short[count * ch];
        short[] pcm = new short[MAX_PACKET_FRAMES * ch];
        long start = head.preSkip() + from;
        long end = start + count;
        long decoded = 0;
        int filled = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            OggPageReader reader = new OggPageReader(in);
            reader.nextPacket(); // OpusHead
            reader.nextPacket(); // OpusTags (scan checked both)
            byte[] packet;
            for (int index = 0; decoded < end && (packet = nextWholePacket(reader)) != null; index++) {
                int n;
                try {
                    n = decoder.decodeMultistream(packet, 0, packet.length, pcm, 0, MAX_PACKET_FRAMES, 0);
                } catch (RuntimeException e) {
                    n = -1;
                }
                if (n < 0) {
                    throw new IOException("audio packet " + index + " (" + packet.length + " bytes) does not decode");
                }
                long a = Math.max(decoded, start);
                long b = Math.min(decoded + n, end);
                if (a < b) {
                    System.arraycopy(pcm, (int) (a - decoded) * ch, out, (int) (a - start) * ch, (int) (b - a) * ch);
                    filled = (int) (b - start);
                }
                decoded += n;
            }
        }
        return new Audio(out, filled);
    }

    private static byte[] nextWholePacket(OggPageReader reader) throws IOException {
        try {
            return reader.nextPacket();
        } catch (OggPageReader.BadPage e) {
            return null;
        }
    }

    private static boolean startsWith(byte[] b, String magic) {
        return b.length >= magic.length()
                && new String(b, 0, magic.length(), StandardCharsets.US_ASCII).equals(magic);
    }
}
