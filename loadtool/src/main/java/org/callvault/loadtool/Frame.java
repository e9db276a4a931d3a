package org.callvault.loadtool;

import io.netty.buffer.ByteBuf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The media frame of protocol.md: 16-byte big-endian header (version 1, kind 0, 2 reserved zero
 * bytes, uint32 sequence, int64 media timestamp) followed by PCM16 little-endian mono.
 *
 * <p>Also writes the whole client WebSocket frame (RFC 6455, masked) for a media frame straight into
 * one buffer, so that sending a frame costs one pooled buffer and no other object.
 */
final class Frame {

    static final int HEADER_BYTES = 16;
    static final int VERSION = 1;
    static final int KIND_AUDIO = 0;
    /** Protocol version 2: one 20 ms Opus packet, mono, 48 kHz timestamps. */
    static final int KIND_OPUS = 1;
    /** One Opus frame's 1,275 bytes plus its TOC byte (protocol.md, version 2). */
    static final int MAX_OPUS_PAYLOAD = 1276;

    private Frame() {
    }

    /** Writes the 16-byte media header. */
    static void writeHeader(ByteBuf out, long sequence, long timestamp) {
        out.writeByte(VERSION);
        out.writeByte(KIND_AUDIO);
        out.writeShort(0);
        out.writeInt((int) sequence);
        out.writeLong(timestamp);
    }

    static boolean looksValid(ByteBuf frame) {
        int i = frame.readerIndex();
        int n = frame.readableBytes();
        return n >= HEADER_BYTES + 2 && ((n - HEADER_BYTES) & 1) == 0
                && frame.getByte(i) == VERSION && frame.getByte(i + 1) == KIND_AUDIO
                && frame.getShort(i + 2) == 0;
    }

    /** An Opus frame (kind 1): a header of version 1, kind 1, reserved 0, and 1..1276 bytes of packet. */
    static boolean looksValidOpus(ByteBuf frame) {
        int i = frame.readerIndex();
        int n = frame.readableBytes() - HEADER_BYTES;
        return n >= 1 && n <= MAX_OPUS_PAYLOAD
                && frame.getByte(i) == VERSION && frame.getByte(i + 1) == KIND_OPUS
                && frame.getShort(i + 2) == 0;
    }

    /** Sequence as an unsigned 32-bit value. */
    static long sequence(ByteBuf frame) {
        return frame.getUnsignedInt(frame.readerIndex() + 4);
    }

    static long timestamp(ByteBuf frame) {
        return frame.getLong(frame.readerIndex() + 8);
    }

    /** Size of a masked client WebSocket frame for a payload of {@code payloadLength} bytes. */
    static int wsFrameSize(int payloadLength) {
        int lenBytes = payloadLength < 126 ? 0 : payloadLength <= 0xFFFF ? 2 : 8;
        return 2 + lenBytes + 4 + payloadLength;
    }

    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /**
     * Writes one complete masked binary WebSocket frame carrying a media frame: the 16-byte header for
     * {@code sequence}/{@code timestamp}, then {@code pcmLength} bytes of {@code pcm} from
     * {@code pcmOffset}. The frame is built in {@code scratch} (at least
     * {@link #wsFrameSize(int) wsFrameSize(16 + pcmLength)} bytes, owned by the calling thread) and
     * copied into {@code out} at once.
     */
    static void writeMaskedMediaFrame(ByteBuf out, int maskKey, long sequence, long timestamp,
                                      byte[] pcm, int pcmOffset, int pcmLength, byte[] scratch) {
        writeMaskedMediaFrame(out, maskKey, KIND_AUDIO, sequence, timestamp, pcm, pcmOffset, pcmLength, scratch);
    }

    /** As above with the frame's {@code kind}: {@link #KIND_AUDIO} (PCM) or {@link #KIND_OPUS}. */
    static void writeMaskedMediaFrame(ByteBuf out, int maskKey, int kind, long sequence, long timestamp,
                                      byte[] pcm, int pcmOffset, int pcmLength, byte[] scratch) {
        int payload = HEADER_BYTES + pcmLength;
        int p = 0;
        scratch[p++] = (byte) 0x82; // FIN + binary
        if (payload < 126) {
            scratch[p++] = (byte) (0x80 | payload);
        } else if (payload <= 0xFFFF) {
            scratch[p++] = (byte) (0x80 | 126);
            scratch[p++] = (byte) (payload >>> 8);
            scratch[p++] = (byte) payload;
        } else {
            scratch[p++] = (byte) (0x80 | 127);
            LONG_BE.set(scratch, p, (long) payload);
            p += 8;
        }
        INT_BE.set(scratch, p, maskKey);
        p += 4;
        long mask8 = ((maskKey & 0xFFFFFFFFL) << 32) | (maskKey & 0xFFFFFFFFL);
        // header: bytes 0..7 = version, kind, reserved(2), sequence(4); bytes 8..15 = timestamp
        long h0 = ((long) VERSION << 56) | ((long) kind << 48) | (sequence & 0xFFFFFFFFL);
        LONG_BE.set(scratch, p, h0 ^ mask8);
        LONG_BE.set(scratch, p + 8, timestamp ^ mask8);
        p += 16;
        // payload offsets 16.. keep the mask phase (16 is a multiple of 4)
        int i = 0;
        for (; i + 8 <= pcmLength; i += 8) {
            LONG_BE.set(scratch, p + i, (long) LONG_BE.get(pcm, pcmOffset + i) ^ mask8);
        }
        if (i + 4 <= pcmLength) {
            INT_BE.set(scratch, p + i, (int) INT_BE.get(pcm, pcmOffset + i) ^ maskKey);
            i += 4;
        }
        for (int k = 0; i < pcmLength; i++, k++) {
            scratch[p + i] = (byte) (pcm[pcmOffset + i] ^ (maskKey >>> (24 - 8 * k)));
        }
        out.writeBytes(scratch, 0, p + pcmLength);
    }
}
