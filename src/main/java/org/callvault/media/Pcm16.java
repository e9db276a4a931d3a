package org.callvault.media;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Signed 16-bit little-endian PCM, the sample format of the whole media path and of WAV files.
 *
 * <p>The methods that take a destination array or buffer allocate nothing, so they can run per
 * frame on the media path; the ones that return a new array are conveniences for tests and tools.
 * A {@link ByteBuffer}'s own byte order is ignored (and never changed): PCM16 here is always
 * little-endian.
 */
public final class Pcm16 {

    private Pcm16() {
    }

    /**
     * Decodes {@code length} bytes from {@code src[offset..]} into {@code dst[dstOffset..]}.
     *
     * @return the number of samples written, {@code length / 2}
     * @throws IllegalArgumentException if {@code length} is odd (half a sample cannot be decoded)
     */
    public static int decode(byte[] src, int offset, int length, short[] dst, int dstOffset) {
        requireWholeSamples(length);
        int samples = length / 2;
        Objects.checkFromIndexSize(offset, length, src.length);
        Objects.checkFromIndexSize(dstOffset, samples, dst.length);
        // A bulk view: on little-endian hardware this is one memory copy, not a loop of byte reads.
        ByteBuffer.wrap(src, offset, length).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(dst, dstOffset, samples);
        return samples;
    }

    /** Decodes {@code length} bytes from {@code src[offset..]} into the start of {@code dst}. */
    public static int decode(byte[] src, int offset, int length, short[] dst) {
        return decode(src, offset, length, dst, 0);
    }

    /** Decodes {@code length} bytes from {@code src[offset..]} into a new array. */
    public static short[] decode(byte[] src, int offset, int length) {
        requireWholeSamples(length);
        short[] samples = new short[length / 2];
        decode(src, offset, length, samples, 0);
        return samples;
    }

    /**
     * Decodes as many whole samples as both {@code src} and {@code dst} have room for, advancing
     * the buffer's position past them. An odd trailing byte stays in the buffer, so a caller
     * reading a stream in pieces can compact and continue.
     *
     * @return the number of samples written to {@code dst}
     */
    public static int decode(ByteBuffer src, short[] dst, int dstOffset) {
        Objects.checkIndex(dstOffset, dst.length + 1);
        int samples = Math.min(src.remaining() / 2, dst.length - dstOffset);
        int at = src.position();
        if (src.order() == ByteOrder.LITTLE_ENDIAN) {
            for (int i = 0; i < samples; i++, at += 2) {
                dst[dstOffset + i] = src.getShort(at);
            }
        }
        else {
            for (int i = 0; i < samples; i++, at += 2) {
                dst[dstOffset + i] = (short) ((src.get(at) & 0xFF) | (src.get(at + 1) << 8));
            }
        }
        src.position(at);
        return samples;
    }

    /** Decodes all remaining bytes of {@code src} into a new array; the remainder must be even. */
    public static short[] decode(ByteBuffer src) {
        requireWholeSamples(src.remaining());
        short[] samples = new short[src.remaining() / 2];
        decode(src, samples, 0);
        return samples;
    }

    /** Encodes {@code src[offset..offset+length)} into {@code dst[dstOffset..]}, two bytes a sample. */
    public static void encode(short[] src, int offset, int length, byte[] dst, int dstOffset) {
        Objects.checkFromIndexSize(offset, length, src.length);
        Objects.checkFromIndexSize(dstOffset, 2 * length, dst.length);
        ByteBuffer.wrap(dst, dstOffset, 2 * length).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().put(src, offset, length);
    }

    /** Encodes {@code src[offset..offset+length)} into a new array. */
    public static byte[] encode(short[] src, int offset, int length) {
        byte[] bytes = new byte[2 * length];
        encode(src, offset, length, bytes, 0);
        return bytes;
    }

    /**
     * Puts {@code src[offset..offset+length)} at the buffer's position, advancing it.
     *
     * @throws BufferOverflowException if fewer than {@code 2 * length} bytes remain; nothing is
     *                                 written in that case
     */
    public static void encode(short[] src, int offset, int length, ByteBuffer dst) {
        Objects.checkFromIndexSize(offset, length, src.length);
        if (dst.remaining() < 2 * length) {
            throw new BufferOverflowException();
        }
        if (dst.order() == ByteOrder.LITTLE_ENDIAN) {
            // A bulk put through a short view: one memory copy on little-endian hardware (the WAV
            // writer's buffer takes this path on every frame).
            dst.asShortBuffer().put(src, offset, length);
            dst.position(dst.position() + 2 * length);
        }
        else {
            for (int i = 0; i < length; i++) {
                short sample = src[offset + i];
                dst.put((byte) sample);
                dst.put((byte) (sample >> 8));
            }
        }
    }

    /** {@code a + b} clamped to the PCM16 range instead of wrapping around. */
    public static short saturatingAdd(int a, int b) {
        return clamp((long) a + b);
    }

    /** {@code value} clamped to {@code [-32768, 32767]}. */
    public static short clamp(long value) {
        if (value > Short.MAX_VALUE) {
            return Short.MAX_VALUE;
        }
        if (value < Short.MIN_VALUE) {
            return Short.MIN_VALUE;
        }
        return (short) value;
    }

    private static void requireWholeSamples(int byteLength) {
        if (byteLength < 0 || (byteLength & 1) != 0) {
            throw new IllegalArgumentException("PCM16 needs an even, non-negative byte count, got " + byteLength);
        }
    }
}
