package org.callvault.recording;

import java.io.IOException;
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
    static final int PACKET_SAMPLES = OggPacketFile.PACKET_SAMPLES;

    private final int sampleRate;
    private final int channels;
    private final boolean twoStreams;
    private final OggPacketFile file;
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
    /** One channel of input, deinterleaved, and its 48 kHz conversion. */
    private final short[] mono = new short[PACKET_SAMPLES];
    private final short[][] resampled;
    /** 48 kHz PCM waiting to fill a packet, interleaved. */
    private final short[] packetPcm;
    private int packetFill;
    /** One packet; two streams' packets side by side at most. */
    private final byte[] packet = new byte[2 * OpusCodec.MAX_PACKET];
    /** Input sample frames taken so far. */
    private long frames;

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
        try {
            this.file = new OggPacketFile(path, channels, twoStreams, preSkip, sampleRate);
        }
        catch (IOException | RuntimeException e) {
            OpusCodec.release(encoder);
            throw e;
        }
    }

    int preSkip() {
        return preSkip;
    }

    long fileBytes() {
        return file.fileBytes();
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
            while (file.samples() + packetFill < end) {
                Arrays.fill(packetPcm, packetFill * channels, packetPcm.length, (short) 0);
                packetFill = PACKET_SAMPLES;
                packetSounds = true; // the encoder's lookahead: the end of the audio is in these
                encodePacket();
            }
            file.finish(end);
        }
        finally {
            close();
        }
    }

    /** Closes the file as it stands: whole pages only, which {@link OggRepair} makes playable. */
    void close() {
        OpusCodec.release(encoder);
        file.close();
    }

    private static int copy(short[] from, int length, short[] to) {
        System.arraycopy(from, 0, to, 0, length);
        return length;
    }

    private void encodePacket() throws IOException {
        if (packetSounds) {
            if (encoderStale) {
                encoder.reset();
                encoderStale = false;
            }
            int length = encoder.encode(packetPcm, 0, PACKET_SAMPLES, packet, 0);
            file.append(packet, 0, length);
        }
        else {
            byte[] silence = silentPacket();
            file.append(silence, 0, silence.length);
            encoderStale = true;
        }
        packetSounds = false;
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
}
