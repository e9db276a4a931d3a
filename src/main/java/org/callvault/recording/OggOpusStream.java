package org.callvault.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;

import org.callvault.media.Resampler;
import org.callvault.media.codec.OpusCodec;

/**
 * The encoding half of {@link OggOpusWriter}: PCM16 at the recorder's rate in, resampled to 48 kHz,
 * encoded in 20 ms packets, written as Ogg pages of at most a second each. It takes audio only in
 * order and never looks back, so it can run on another thread than the writer's ({@link OggEncoding}):
 * one thread at a time, handed over through the encoding lane's queue.
 *
 * <p><b>Silence for dropped steps.</b> A step the encoders fell too far behind to take
 * ({@link #encodeSilence}) must still fill its time, and cheaply, or a pool that is behind would
 * never catch up: it goes through the resampler (so what follows keeps its exact place), and every
 * packet that holds nothing but it is a ready-made silent packet, not an encoder run. The encoder
 * is reset before the next real packet: it has not seen what the decoder decoded meanwhile. The
 * audio just before the silence is flushed through the resampler and the encoder's lookahead first.
 */
final class OggOpusStream {

    /** 20 ms at 48 kHz: the packet duration. */
    static final int PACKET_SAMPLES = 960;
    /** Packets per page: a second of audio, 1.5 % of overhead at 24 kbit/s, one system call a second. */
    private static final int PACKETS_PER_PAGE = 50;
    private static final String VENDOR = "CallVault";

    private final int sampleRate;
    private final int channels;
    private final boolean twoStreams;
    private final FileChannel channel;
    private final OpusCodec.Encoder encoder;
    private final Supplier<OpusCodec.Encoder> encoders;
    /** A packet of silence from a fresh encoder like this one; made at the first dropped step. */
    private byte[] silentPacket;
    /** 48 kHz samples after the last real input that still carry its sound (filter and lookahead). */
    private final int soundingTail;
    private int sounding;
    /** Whether the packet being filled holds any real sound: if not, it is the silent packet. */
    private boolean packetSounds;
    /** Silent packets went out since the encoder last ran: it must start afresh. */
    private boolean encoderStale;
    private final Resampler[] resamplers;
    private final int preSkip;
    private final int serial;
    /** One channel of input, deinterleaved, and its 48 kHz conversion. */
    private final short[] mono = new short[PACKET_SAMPLES];
    private final short[][] resampled;
    /** 48 kHz PCM waiting to fill a packet, interleaved. */
    private final short[] packetPcm;
    private int packetFill;
    private final byte[] pageBody = new byte[PACKETS_PER_PAGE * OpusCodec.MAX_PACKET];
    private final int[] packetLengths = new int[PACKETS_PER_PAGE];
    private final byte[] pageBytes = new byte[OggPages.MAX_PAGE_BYTES];
    private int pagePackets;
    private int pageBodyBytes;
    private int sequence;
    /** 48 kHz samples encoded so far (pre-skip included). */
    private long encodedSamples;
    /** Input sample frames taken so far. */
    private long frames;
    /** Read by the recorder thread while an encoding thread writes: the file's size as it stands. */
    private volatile long fileBytes;

    /**
     * Creates {@code path} (it must not exist) and writes the Opus headers.
     *
     * @param twoStreams the stereo layout: {@code true}, two mono streams, one per channel (channel
     *                   mapping family 1, what the recorder writes); {@code false}, one coupled
     *                   stereo stream (family 0, how stereo was written before: kept to test that
     *                   such files are still read). Mono is always family 0.
     * @param encoders   makes the stream's encoder, and one more once for the silent packet; for
     *                   two streams, one writing {@link org.callvault.media.codec.OpusMultistream} packets
     */
    OggOpusStream(Path path, int sampleRate, int channels, boolean twoStreams, Supplier<OpusCodec.Encoder> encoders)
            throws IOException {
        if (twoStreams && channels != 2) {
            throw new IllegalArgumentException("Two streams are for stereo, not " + channels + " channel(s)");
        }
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.twoStreams = twoStreams;
        this.encoders = encoders;
        this.encoder = encoders.get();
        this.resamplers = new Resampler[channels];
        double delay = 0;
        if (sampleRate != OpusCodec.SAMPLE_RATE) {
            for (int c = 0; c < channels; c++) {
                // Only the encoder's band need be flat: a filter a sixth as long as a full-band one.
                resamplers[c] = new Resampler(sampleRate, OpusCodec.SAMPLE_RATE, OpusCodec.RECORDING_BANDWIDTH_HZ);
            }
            delay = resamplers[0].delayOutputSamples();
        }
        this.preSkip = encoder.lookahead() + (int) Math.round(delay);
        this.soundingTail = (int) Math.ceil(2 * delay) + encoder.lookahead() + 2;
        int lane = resamplers[0] == null ? PACKET_SAMPLES : resamplers[0].maxOutputLength(PACKET_SAMPLES) + 1;
        this.resampled = new short[channels][lane];
        this.packetPcm = new short[PACKET_SAMPLES * channels];
        this.serial = path.getFileName().toString().hashCode();
        try {
            this.channel = PrivateFiles.createNew(path);
        }
        catch (IOException | RuntimeException e) {
            OpusCodec.release(encoder);
            throw e;
        }
        try {
            writeHeaders();
        }
        catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    int preSkip() {
        return preSkip;
    }

    long fileBytes() {
        return fileBytes;
    }

    private void writeHeaders() throws IOException {
        // RFC 7845 §5.1: family 0 (mono, or the old coupled stereo) ends at byte 19; family 1 adds the
        // stream count (2), the coupled count (0) and the channel mapping (channel c is stream c).
        ByteBuffer head = ByteBuffer.allocate(twoStreams ? 23 : 19).order(ByteOrder.LITTLE_ENDIAN);
        head.put("OpusHead".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) channels)
                .putShort((short) preSkip).putInt(sampleRate).putShort((short) 0).put((byte) (twoStreams ? 1 : 0));
        if (twoStreams) {
            head.put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 1);
        }
        writePage(OggPages.FLAG_BOS, 0, head.array(), new int[] {head.capacity()}, 1);
        byte[] vendor = VENDOR.getBytes(StandardCharsets.UTF_8);
        ByteBuffer tags = ByteBuffer.allocate(8 + 4 + vendor.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        tags.put("OpusTags".getBytes(StandardCharsets.US_ASCII)).putInt(vendor.length).put(vendor).putInt(0);
        writePage(0, 0, tags.array(), new int[] {tags.capacity()}, 1);
    }

    /**
     * Encodes {@code count} sample frames of a ring of interleaved PCM holding {@code capacity}
     * frames, from ring frame {@code first} on (wrapping); a plain array is a ring of its length.
     */
    void encode(short[] ring, int capacity, long first, int count) throws IOException {
        for (int done = 0; done < count; ) {
            int chunk = Math.min(count - done, mono.length);
            int produced = 0;
            for (int c = 0; c < channels; c++) {
                long from = first + done;
                for (int i = 0; i < chunk; i++) {
                    mono[i] = ring[(int) ((from + i) % capacity) * channels + c];
                }
                // Both channels' resamplers share one phase, so each yields the same count.
                produced = resamplers[c] == null ? copy(mono, chunk, resampled[c])
                        : resamplers[c].process(mono, 0, chunk, resampled[c], 0);
            }
            packetise(produced, true);
            done += chunk;
        }
        sounding = soundingTail;
        frames += count;
    }

    /** Encodes {@code count} sample frames of silence: a step the encoders could not take in time. */
    void encodeSilence(int count) throws IOException {
        Arrays.fill(mono, (short) 0);
        for (int done = 0; done < count; ) {
            int chunk = Math.min(count - done, mono.length);
            int produced = 0;
            for (int c = 0; c < channels; c++) {
                produced = resamplers[c] == null ? copy(mono, chunk, resampled[c])
                        : resamplers[c].process(mono, 0, chunk, resampled[c], 0);
            }
            packetise(produced, false);
            done += chunk;
        }
        frames += count;
    }

    /** Moves {@code produced} resampled samples into packets; {@code sound}: they came from real input. */
    private void packetise(int produced, boolean sound) throws IOException {
        for (int at = 0; at < produced; ) {
            int take = Math.min(produced - at, PACKET_SAMPLES - packetFill);
            if (sound) {
                packetSounds = true;
            }
            else if (sounding > 0) {
                packetSounds = true;
                sounding -= Math.min(take, sounding);
            }
            for (int c = 0; c < channels; c++) {
                short[] lane = resampled[c];
                for (int i = 0; i < take; i++) {
                    packetPcm[(packetFill + i) * channels + c] = lane[at + i];
                }
            }
            packetFill += take;
            at += take;
            if (packetFill == PACKET_SAMPLES) {
                encodePacket();
            }
        }
    }

    /**
     * Flushes the resampler's tail, pads the last packet, writes the last page with the exact end
     * granule ({@code preSkip + round(frames × 48000 / rate)}), forces the file to disk and closes it.
     */
    void finish() throws IOException {
        try {
            long taken = frames;
            long end = preSkip + Math.round(taken * (double) OpusCodec.SAMPLE_RATE / sampleRate);
            if (resamplers[0] != null) {
                // The filter's delay: feed silence until every input sample has come out.
                encodeSilence((int) Math.ceil(resamplers[0].delaySeconds() * sampleRate) + 2);
            }
            while (encodedSamples + packetFill < end) {
                Arrays.fill(packetPcm, packetFill * channels, packetPcm.length, (short) 0);
                packetFill = PACKET_SAMPLES;
                packetSounds = true; // the encoder's lookahead: the end of the audio is in these
                encodePacket();
            }
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
        OpusCodec.release(encoder);
        try {
            channel.close();
        }
        catch (IOException ignored) {
            // nothing more can be done for this file; its repair cuts what is torn
        }
    }

    private static int copy(short[] from, int length, short[] to) {
        System.arraycopy(from, 0, to, 0, length);
        return length;
    }

    private void encodePacket() throws IOException {
        if (pagePackets == PACKETS_PER_PAGE) {
            flushPage(0, encodedSamples);
        }
        int length;
        if (packetSounds) {
            if (encoderStale) {
                encoder.reset();
                encoderStale = false;
            }
            length = encoder.encode(packetPcm, 0, PACKET_SAMPLES, pageBody, pageBodyBytes);
        }
        else {
            byte[] silence = silentPacket();
            System.arraycopy(silence, 0, pageBody, pageBodyBytes, silence.length);
            length = silence.length;
            encoderStale = true;
        }
        packetSounds = false;
        packetLengths[pagePackets++] = length;
        pageBodyBytes += length;
        encodedSamples += PACKET_SAMPLES;
        packetFill = 0;
    }

    private byte[] silentPacket() {
        if (silentPacket == null) {
            OpusCodec.Encoder fresh = encoders.get();
            try {
                byte[] packet = new byte[OpusCodec.MAX_PACKET];
                int length = fresh.encode(new short[PACKET_SAMPLES * channels], 0, PACKET_SAMPLES, packet, 0);
                silentPacket = Arrays.copyOf(packet, length);
            }
            finally {
                OpusCodec.release(fresh);
            }
        }
        return silentPacket;
    }

    private void flushPage(int flags, long granule) throws IOException {
        writePage(flags, granule, pageBody, packetLengths, pagePackets);
        pagePackets = 0;
        pageBodyBytes = 0;
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
