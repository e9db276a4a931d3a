package org.callvault.loadtool;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One tone as real Opus packets, encoded once at start-up and looped (issue 18 point 6): the tool
 * sends Opus without encoding per frame, so it stays as light as with PCM. {@link #FRAMES} packets
 * of 20 ms cover 0.5 s, a whole number of periods of any even frequency, so packet {@code seq %
 * FRAMES} follows packet {@code seq % FRAMES - 1} without a click. The loop is the second half of
 * two encoded loops: its first packet was encoded with the encoder state of a running tone, as it is
 * heard after the last packet of the loop.
 */
final class OpusLoop {

    static final int SAMPLE_RATE = 48000;
    static final int SAMPLES_PER_FRAME = 960;
    static final int FRAME_MILLIS = 20;
    /** 25 packets: 0.5 s. */
    static final int FRAMES = 25;
    /** What the browser pages ask of WebCodecs when the server's {@code media} message names no bit rate. */
    static final int BITRATE = 32000;

    /** Loops by frequency and bit rate. */
    private static final ConcurrentHashMap<Long, OpusLoop> CACHE = new ConcurrentHashMap<>();

    final int frequency;
    final int bitrate;
    private final byte[][] packets;
    /** Read-only views of {@link #packets}, for comparing a received payload without copying it. */
    private final ByteBuf[] bufs;
    /** What {@link OpusCheck#toneShare} gives each packet of the loop as it was sent. */
    private final double[] ownShares = new double[FRAMES];

    private OpusLoop(int frequency, int bitrate) {
        if (frequency <= 0 || frequency % 2 != 0 || frequency * 2 > SAMPLE_RATE) {
            throw new IllegalArgumentException("an Opus loop needs an even frequency in (0, 24000] Hz, got " + frequency);
        }
        this.frequency = frequency;
        this.bitrate = bitrate;
        this.packets = new byte[FRAMES][];
        this.bufs = new ByteBuf[FRAMES];
        try {
            OpusEncoder enc = new OpusEncoder(SAMPLE_RATE, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
            enc.setBitrate(bitrate);
            short[] pcm = new short[SAMPLES_PER_FRAME];
            byte[] out = new byte[Frame.MAX_OPUS_PAYLOAD];
            for (int f = 0; f < 2 * FRAMES; f++) {
                for (int i = 0; i < SAMPLES_PER_FRAME; i++) {
                    pcm[i] = Tone.sample(frequency, SAMPLE_RATE, (long) f * SAMPLES_PER_FRAME + i);
                }
                int n = enc.encode(pcm, 0, SAMPLES_PER_FRAME, out, 0, out.length);
                if (f >= FRAMES) {
                    packets[f - FRAMES] = java.util.Arrays.copyOf(out, n);
                    bufs[f - FRAMES] = Unpooled.wrappedBuffer(packets[f - FRAMES]).asReadOnly();
                }
            }
        } catch (OpusException e) {
            throw new IllegalStateException("Opus encoder failed for " + frequency + " Hz: " + e.getMessage(), e);
        }
        OpusCheck check = new OpusCheck();
        for (int i = 0; i < FRAMES; i++) {
            ownShares[i] = check.toneShare(bufs[i], 0, packets[i].length, this);
        }
    }

    /**
     * The least tone share a received copy of packet {@code seq} must show: {@link OpusCheck#MIN_SHARE},
     * or less where the packet itself shows less decoded on its own. At low bit rates Opus codes a
     * steady tone with SILK, whose frames lean on the frames before them: decoded alone, some hold
     * only part of the tone (at 16 kbit/s a share as low as 0.2). The other leg's tone and noise stay
     * near 0, so the check still tells them apart.
     */
    double minShare(long seq) {
        return Math.min(OpusCheck.MIN_SHARE, 0.9 * ownShares[(int) (seq % FRAMES)]);
    }

    static OpusLoop of(int frequency) {
        return of(frequency, BITRATE);
    }

    /** The loop at the bit rate the server asked for in its {@code media} message (protocol.md, version 2). */
    static OpusLoop of(int frequency, int bitrate) {
        return CACHE.computeIfAbsent((long) bitrate << 32 | frequency, key -> new OpusLoop(frequency, bitrate));
    }

    /** The packet sent as frame {@code seq}. */
    byte[] packet(long seq) {
        return packets[(int) (seq % FRAMES)];
    }

    ByteBuf packetBuf(long seq) {
        return bufs[(int) (seq % FRAMES)];
    }

    /** Media timestamp of frame {@code seq}: 48 kHz samples, +960 per frame. */
    static long timestamp(long seq) {
        return seq * SAMPLES_PER_FRAME;
    }

    /** Mean size of the loop's packets, in bytes (without the 16-byte header). */
    double meanPacketBytes() {
        long sum = 0;
        for (byte[] p : packets) {
            sum += p.length;
        }
        return (double) sum / FRAMES;
    }
}
