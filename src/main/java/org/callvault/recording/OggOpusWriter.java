package org.callvault.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

import org.callvault.media.Resampler;
import org.callvault.media.codec.OpusCodec;

/**
 * Streams a call into an Ogg Opus file (RFC 7845): PCM16 at the recorder's rate in, resampled to
 * 48 kHz ({@link Resampler}), encoded in 20 ms packets ({@link OpusCodec}), written as Ogg pages
 * ({@link OggPages}) of at most a second each.
 *
 * <p><b>Exactness.</b> The stream's pre-skip is the encoder's lookahead plus the resampler's delay,
 * so decoded sample 0 is the call's first instant (within half a 48 kHz sample), and the last
 * page's granule position is pre-skip plus exactly {@code round(frames × 48000 / rate)}: a player
 * trims the padding of the last packet, and the file lasts what the call lasted.
 *
 * <p><b>Late audio.</b> An encoded packet cannot be patched, so the last {@code holdFrames} sample
 * frames are kept as PCM before they are encoded: {@link #readAt}, {@link #writeAt} and
 * {@link #truncate} work within them exactly as in a WAV file, and the recorder's late-audio window
 * ({@link CallRecorder#LATE_AUDIO_KEPT_MILLIS}) fits inside. The cost is memory (the window's PCM,
 * 0.9 MB for 5 s of 44.1 kHz stereo) and what a crash loses: the held audio and the page being
 * filled, at most the window plus a second, where WAV loses a quarter of a second.
 */
public final class OggOpusWriter implements RecordingWriter {

    /** 20 ms at 48 kHz: the packet duration. */
    static final int PACKET_SAMPLES = 960;
    /** Packets per page: a second of audio, 1.5 % of overhead at 24 kbit/s, one system call a second. */
    private static final int PACKETS_PER_PAGE = 50;
    private static final String VENDOR = "CallVault";

    private final Path path;
    private final int sampleRate;
    private final int channels;
    private final int bitrate;
    private final FileChannel channel;
    private final OpusCodec.Encoder encoder;
    private final Resampler[] resamplers;
    private final int preSkip;
    private final int serial;
    private final int holdFrames;

    /**
     * Held PCM, interleaved, a ring: frames {@code [heldFrom, heldFrom + heldCount)} of the stream,
     * frame {@code f} at {@code (f % capacity) × channels}. A ring, not a shifted array: moving the
     * window's PCM every 20 ms would cost more than encoding it.
     */
    private final short[] held;
    private final int capacity;
    private long heldFrom;
    private int heldCount;
    /** One channel of input, deinterleaved, and its 48 kHz conversion. */
    private final short[] mono;
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
    private long fileBytes;
    private boolean closed;

    /**
     * Creates {@code path} (it must not exist) and writes the Opus headers.
     *
     * @param sampleRate the recorder's rate (8000..192000, 44100 normally)
     * @param channels   1 (mixed) or 2 (one party per channel)
     * @param bitrate    the Opus bit rate, all channels together
     * @param complexity the encoder's complexity (0..10)
     * @param holdFrames sample frames kept open to late audio before they are encoded
     */
    public OggOpusWriter(Path path, int sampleRate, int channels, int bitrate, int complexity, int holdFrames)
            throws IOException {
        if (holdFrames < 0) {
            throw new IllegalArgumentException("holdFrames must not be negative");
        }
        this.path = path;
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.bitrate = bitrate;
        this.holdFrames = holdFrames;
        this.encoder = OpusCodec.newEncoder(channels, bitrate, complexity);
        this.resamplers = new Resampler[channels];
        double delay = 0;
        if (sampleRate != OpusCodec.SAMPLE_RATE) {
            for (int c = 0; c < channels; c++) {
                resamplers[c] = new Resampler(sampleRate, OpusCodec.SAMPLE_RATE);
            }
            delay = resamplers[0].delayOutputSamples();
        }
        this.preSkip = encoder.lookahead() + (int) Math.round(delay);
        this.capacity = holdFrames + PACKET_SAMPLES;
        this.held = new short[capacity * channels];
        int chunk = PACKET_SAMPLES;
        this.mono = new short[chunk];
        this.resampled = new short[channels][resamplers[0] == null ? chunk : resamplers[0].maxOutputLength(chunk) + 1];
        this.packetPcm = new short[PACKET_SAMPLES * channels];
        this.serial = path.getFileName().toString().hashCode();
        this.channel = PrivateFiles.createNew(path);
        try {
            writeHeaders();
        }
        catch (IOException | RuntimeException e) {
            channel.close();
            OpusCodec.release(encoder);
            throw e;
        }
    }

    private void writeHeaders() throws IOException {
        ByteBuffer head = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
        head.put("OpusHead".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) channels)
                .putShort((short) preSkip).putInt(sampleRate).putShort((short) 0).put((byte) 0);
        writePage(OggPages.FLAG_BOS, 0, head.array(), new int[] {head.capacity()}, 1);
        byte[] vendor = VENDOR.getBytes(StandardCharsets.UTF_8);
        ByteBuffer tags = ByteBuffer.allocate(8 + 4 + vendor.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        tags.put("OpusTags".getBytes(StandardCharsets.US_ASCII)).putInt(vendor.length).put(vendor).putInt(0);
        writePage(0, 0, tags.array(), new int[] {tags.capacity()}, 1);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public int channels() {
        return channels;
    }

    /** The Opus bit rate, all channels together. */
    public int bitrate() {
        return bitrate;
    }

    /** The stream's pre-skip in 48 kHz samples: the encoder's lookahead and the resampler's delay. */
    public int preSkip() {
        return preSkip;
    }

    @Override
    public void write(short[] samples, int offset, int length) throws IOException {
        ensureOpen();
        Objects.checkFromIndexSize(offset, length, samples.length);
        if (length % channels != 0) {
            throw new IllegalArgumentException(length + " samples is not a whole number of " + channels + "-channel frames");
        }
        int frames = length / channels;
        for (int done = 0; done < frames; ) {
            if (heldCount == capacity) {
                encodeHeld(heldCount - holdFrames);
            }
            int at = (int) ((heldFrom + heldCount) % capacity);
            int chunk = Math.min(frames - done, Math.min(capacity - heldCount, capacity - at));
            System.arraycopy(samples, offset + done * channels, held, at * channels, chunk * channels);
            heldCount += chunk;
            done += chunk;
        }
        if (heldCount > holdFrames) {
            encodeHeld(heldCount - holdFrames);
        }
    }

    @Override
    public long samplesWritten() {
        return heldFrom + heldCount;
    }

    @Override
    public long fileBytes() {
        return fileBytes;
    }

    @Override
    public void readAt(long frameOffset, short[] dst, int offset, int length) throws IOException {
        checkHeld(frameOffset, dst, offset, length);
        for (int i = 0; i < length; i++) {
            dst[offset + i] = held[ringIndex(frameOffset, i)];
        }
    }

    @Override
    public void writeAt(long frameOffset, short[] src, int offset, int length) throws IOException {
        checkHeld(frameOffset, src, offset, length);
        for (int i = 0; i < length; i++) {
            held[ringIndex(frameOffset, i)] = src[offset + i];
        }
    }

    /** Where sample {@code i} (interleaved) counted from frame {@code frame} lies in the ring. */
    private int ringIndex(long frame, int i) {
        return (int) ((frame + i / channels) % capacity) * channels + i % channels;
    }

    private void checkHeld(long frameOffset, short[] samples, int offset, int length) {
        ensureOpen();
        Objects.checkFromIndexSize(offset, length, samples.length);
        if (length % channels != 0 || frameOffset < heldFrom || frameOffset + length / channels > samplesWritten()) {
            throw new IllegalArgumentException("Samples " + frameOffset + " + " + length + " are not a held stretch of "
                    + path + " (frames " + heldFrom + ".." + samplesWritten() + " are open to late audio)");
        }
    }

    /** Cuts back within the held stretch; audio already encoded cannot be cut (IOException). */
    @Override
    public void truncate(long sampleFrames) throws IOException {
        ensureOpen();
        if (sampleFrames < 0 || sampleFrames > samplesWritten()) {
            throw new IllegalArgumentException("Cannot truncate " + samplesWritten() + " frames to " + sampleFrames);
        }
        if (sampleFrames < heldFrom) {
            throw new IOException("Cannot cut " + path + " back to frame " + sampleFrames + ": frames up to " + heldFrom
                    + " are encoded already");
        }
        heldCount = (int) (sampleFrames - heldFrom);
    }

    /**
     * Encodes what is held, flushes the resampler's tail, pads the last packet and writes the last
     * page with the exact end granule, then forces the file to disk.
     */
    @Override
    public void finish() throws IOException {
        if (closed) {
            return;
        }
        try {
            encodeHeld(heldCount);
            long frames = heldFrom;
            long end = preSkip + Math.round(frames * (double) OpusCodec.SAMPLE_RATE / sampleRate);
            if (resamplers[0] != null) {
                // The filter's delay: feed silence until every input sample has come out.
                int tail = Math.min(capacity, (int) Math.ceil(resamplers[0].delaySeconds() * sampleRate) + 2);
                java.util.Arrays.fill(held, (short) 0);
                heldFrom = 0;
                heldCount = tail;
                encodeHeld(tail);
                heldFrom = frames;
                heldCount = 0;
            }
            while (encodedSamples + packetFill < end) {
                java.util.Arrays.fill(packetPcm, packetFill * channels, packetPcm.length, (short) 0);
                packetFill = PACKET_SAMPLES;
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
            closed = true;
            channel.close();
            OpusCodec.release(encoder);
        }
    }

    @Override
    public void abandon() {
        closed = true;
        OpusCodec.release(encoder);
        try {
            channel.close();
        }
        catch (IOException ignored) {
            // nothing more can be done for this file; its repair cuts what is torn
        }
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    /** Encodes the oldest {@code frames} held frames and moves the rest to the front. */
    private void encodeHeld(int frames) throws IOException {
        if (frames <= 0) {
            return;
        }
        for (int done = 0; done < frames; ) {
            int chunk = Math.min(frames - done, mono.length);
            int produced = 0;
            for (int c = 0; c < channels; c++) {
                long first = heldFrom + done;
                for (int i = 0; i < chunk; i++) {
                    mono[i] = held[(int) ((first + i) % capacity) * channels + c];
                }
                // Both channels' resamplers share one phase, so each yields the same count.
                produced = resamplers[c] == null ? copy(mono, chunk, resampled[c])
                        : resamplers[c].process(mono, 0, chunk, resampled[c], 0);
            }
            for (int at = 0; at < produced; ) {
                int take = Math.min(produced - at, PACKET_SAMPLES - packetFill);
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
            done += chunk;
        }
        heldFrom += frames;
        heldCount -= frames;
    }

    private static int copy(short[] from, int length, short[] to) {
        System.arraycopy(from, 0, to, 0, length);
        return length;
    }

    private void encodePacket() throws IOException {
        if (pagePackets == PACKETS_PER_PAGE) {
            flushPage(0, encodedSamples);
        }
        int length = encoder.encode(packetPcm, 0, PACKET_SAMPLES, pageBody, pageBodyBytes);
        packetLengths[pagePackets++] = length;
        pageBodyBytes += length;
        encodedSamples += PACKET_SAMPLES;
        packetFill = 0;
    }

    private void flushPage(int flags, long granule) throws IOException {
        writePage(flags, granule, pageBody, packetLengths, pagePackets);
        pagePackets = 0;
        pageBodyBytes = 0;
    }

    private void writePage(int flags, long granule, byte[] body, int[] lengths, int packets) throws IOException {
        int length = OggPages.page(pageBytes, flags, granule, serial, sequence++, body, lengths, packets);
        ByteBuffer source = ByteBuffer.wrap(pageBytes, 0, length);
        while (source.hasRemaining()) {
            channel.write(source, fileBytes + source.position());
        }
        fileBytes += length;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Recording " + path + " is already finished");
        }
    }
}
