package org.callvault.loadtool;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Real Ogg Opus recordings for the tests, laid out as the server writes them: the caller's and the
 * agent's tones encoded with Concentus in 20 ms packets, OpusHead alone on the first page, OpusTags
 * on the second, audio pages of 50 packets whose granule is the end of their last packet, and the
 * last page's granule the exact end (pre-skip + the recording's 48 kHz samples).
 */
final class OggOpusFiles {

    /** How the two parties are stored. */
    enum Layout {
        /** Both tones mixed in one channel: mapping family 0. */
        MONO,
        /** One mono stream each, caller first (RFC 7845 family 1, 2 streams, 0 coupled): the server's stereo. */
        TWO_STREAMS,
        /** One coupled stereo stream, caller left (family 0, 2 channels): the server's older stereo files. */
        COUPLED
    }

    private static final int RATE = 48000;
    private static final int PACKET = 960;
    private static final int PACKETS_PER_PAGE = 50;
    private static final int SERIAL = 0x5eed;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int sequence;

    private OggOpusFiles() {
    }

    /**
     * A recording of {@code seconds}; {@code agentHz} 0 leaves the agent silent; {@code eos} false
     * leaves the end-of-stream flag off the last page.
     */
    static byte[] build(Layout layout, double seconds, int callerHz, int agentHz, boolean eos) {
        return build(layout, seconds, callerHz, agentHz, eos, 0, 0);
    }

    /** As above, with the caller silent in {@code [gapFromMs, gapToMs)} (lost packets). */
    static byte[] build(Layout layout, double seconds, int callerHz, int agentHz, boolean eos, double gapFromMs,
                        double gapToMs) {
        try {
            return new OggOpusFiles().write(layout, seconds, callerHz, agentHz, eos,
                    Math.round(gapFromMs * RATE / 1000), Math.round(gapToMs * RATE / 1000));
        } catch (OpusException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] write(Layout layout, double seconds, int callerHz, int agentHz, boolean eos, long gapFrom,
                         long gapTo) throws OpusException {
        int channels = layout == Layout.MONO ? 1 : 2;
        List<OpusEncoder> encoders = new ArrayList<>();
        for (int s = 0; s < (layout == Layout.TWO_STREAMS ? 2 : 1); s++) {
            OpusEncoder e = new OpusEncoder(RATE, layout == Layout.COUPLED ? 2 : 1, OpusApplication.OPUS_APPLICATION_AUDIO);
            // the server's bit rates (24 kbit/s mono, 30 kbit/s stereo) and complexity (0)
            e.setBitrate(layout == Layout.MONO ? 24_000 : layout == Layout.TWO_STREAMS ? 15_000 : 30_000);
            e.setComplexity(0);
            encoders.add(e);
        }
        int preSkip = encoders.get(0).getLookahead();
        long samples = Math.round(seconds * RATE);

        ByteBuffer head = ByteBuffer.allocate(layout == Layout.TWO_STREAMS ? 23 : 19).order(ByteOrder.LITTLE_ENDIAN);
        head.put("OpusHead".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) channels)
                .putShort((short) preSkip).putInt(RATE).putShort((short) 0)
                .put((byte) (layout == Layout.TWO_STREAMS ? 1 : 0));
        if (layout == Layout.TWO_STREAMS) {
            head.put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 1);
        }
        page(OggPageReader.FLAG_BOS, 0, List.of(head.array()));
        byte[] vendor = "test".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer tags = ByteBuffer.allocate(8 + 4 + vendor.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        tags.put("OpusTags".getBytes(StandardCharsets.US_ASCII)).putInt(vendor.length).put(vendor).putInt(0);
        page(0, 0, List.of(tags.array()));

        // the decoder's output lags by the pre-skip: encode until that much more has gone in
        long packets = (samples + preSkip + PACKET - 1) / PACKET;
        List<byte[]> pagePackets = new ArrayList<>();
        short[] pcm = new short[PACKET * channels];
        short[] party = new short[PACKET];
        for (long p = 0; p < packets; p++) {
            for (int i = 0; i < PACKET; i++) {
                long t = p * PACKET + i;
                short caller = t < samples && (t < gapFrom || t >= gapTo) ? Tone.sample(callerHz, RATE, t) : 0;
                short agent = t < samples && agentHz > 0 ? Tone.sample(agentHz, RATE, t) : 0;
                if (channels == 1) {
                    pcm[i] = (short) (caller + agent);
                } else {
                    pcm[2 * i] = caller;
                    pcm[2 * i + 1] = agent;
                }
            }
            byte[] packet;
            if (layout == Layout.TWO_STREAMS) {
                packet = twoStreamPacket(encoders, pcm, party);
            } else {
                packet = encode(encoders.get(0), pcm, 0);
            }
            pagePackets.add(packet);
            boolean lastPacket = p == packets - 1;
            if (pagePackets.size() == PACKETS_PER_PAGE || lastPacket) {
                // RFC 7845 §4: a page's granule counts every sample decoded up to it, pre-skip included;
                // the last one is the exact end, which trims the padding of the last packet
                long granule = lastPacket ? preSkip + samples : (p + 1) * PACKET;
                page(lastPacket && eos ? OggPageReader.FLAG_EOS : 0, granule, pagePackets);
                pagePackets.clear();
            }
        }
        return out.toByteArray();
    }

    /** Stream 0's packet self-delimited (RFC 6716 Appendix B), then stream 1's as it is. */
    private static byte[] twoStreamPacket(List<OpusEncoder> encoders, short[] stereo, short[] party) throws OpusException {
        byte[][] streams = new byte[2][];
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < PACKET; i++) {
                party[i] = stereo[2 * i + s];
            }
            streams[s] = encode(encoders.get(s), party, 0);
        }
        byte[] first = streams[0];
        if ((first[0] & 3) != 0) {
            throw new IllegalStateException("expected a one-frame packet (code 0), got code " + (first[0] & 3));
        }
        // code 0: the frame's size goes right after the TOC byte (RFC 6716 §3.2.1's one or two bytes)
        int size = first.length - 1;
        byte[] sizeBytes = size < 252 ? new byte[] {(byte) size}
                : new byte[] {(byte) (252 + (size & 3)), (byte) ((size - 252 - (size & 3)) >> 2)};
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(first[0]);
        packet.writeBytes(sizeBytes);
        packet.write(first, 1, size);
        packet.writeBytes(streams[1]);
        return packet.toByteArray();
    }

    private static byte[] encode(OpusEncoder encoder, short[] pcm, int offset) throws OpusException {
        byte[] buf = new byte[1275 * 2];
        int n = encoder.encode(pcm, offset, PACKET, buf, 0, buf.length);
        return java.util.Arrays.copyOf(buf, n);
    }

    /** One page of whole packets. */
    private void page(int flags, long granule, List<byte[]> packets) {
        ByteArrayOutputStream lacing = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : packets) {
            int left = p.length;
            for (; left >= 255; left -= 255) {
                lacing.write(255);
            }
            lacing.write(left); // a packet of a multiple of 255 bytes ends with a 0
            body.writeBytes(p);
        }
        out.writeBytes(page(flags, granule, sequence++, lacing.toByteArray(), body.toByteArray()));
    }

    /** One page as given (its lacing values and body), CRC set. */
    static byte[] page(int flags, long granule, int sequence, byte[] lacing, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(27 + lacing.length + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("OggS".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) flags).putLong(granule)
                .putInt(SERIAL).putInt(sequence).putInt(0).put((byte) lacing.length).put(lacing).put(body);
        b.putInt(22, OggPageReader.crc(b.array(), 0, b.capacity()));
        return b.array();
    }
}
