package org.callvault.media;

/**
 * The binary media frame of docs/protocol.md: a 16-byte big-endian header (version, kind,
 * reserved, sequence, media timestamp) followed by little-endian PCM16 mono samples. Frames are
 * relayed byte for byte, so this class only reads and checks them in place; it never copies.
 */
public final class MediaFrame {

    public static final int VERSION = 1;
    public static final int KIND_AUDIO = 0;
    public static final int HEADER_BYTES = 16;

    private MediaFrame() {
    }

    /** Largest whole frame accepted for a format: four frames' worth of audio plus the header. */
    public static int maxFrameBytes(AudioFormat format) {
        return HEADER_BYTES + 4 * format.bytesPerFrame();
    }

    /**
     * Why a frame must be rejected, or {@code null} when it is well formed. Cheap: a few byte reads.
     */
    public static String validate(byte[] frame, int maxFrameBytes) {
        if (frame.length <= HEADER_BYTES) {
            return "frame of " + frame.length + " bytes is shorter than the 16-byte header plus one sample";
        }
        if (frame.length > maxFrameBytes) {
            return "frame of " + frame.length + " bytes is over the limit of " + maxFrameBytes;
        }
        if (frame[0] != VERSION) {
            return "unsupported version " + (frame[0] & 0xff);
        }
        if (frame[1] != KIND_AUDIO) {
            return "unsupported kind " + (frame[1] & 0xff);
        }
        if (((frame.length - HEADER_BYTES) & 1) != 0) {
            return "payload length " + (frame.length - HEADER_BYTES) + " is odd";
        }
        return null;
    }

    public static long sequence(byte[] frame) {
        return ((frame[4] & 0xffL) << 24) | ((frame[5] & 0xffL) << 16) | ((frame[6] & 0xffL) << 8) | (frame[7] & 0xffL);
    }

    public static long timestamp(byte[] frame) {
        long value = 0;
        for (int i = 8; i < 16; i++) {
            value = (value << 8) | (frame[i] & 0xffL);
        }
        return value;
    }

    public static int sampleCount(byte[] frame) {
        return (frame.length - HEADER_BYTES) / 2;
    }

    /** Writes a header into {@code frame} (which already holds the payload after byte 16). */
    public static void writeHeader(byte[] frame, long sequence, long timestamp) {
        writeHeader(frame, KIND_AUDIO, sequence, timestamp);
    }

    /** The same for another payload kind (1: an Opus packet, protocol version 2). */
    public static void writeHeader(byte[] frame, int kind, long sequence, long timestamp) {
        frame[0] = VERSION;
        frame[1] = (byte) kind;
        frame[2] = 0;
        frame[3] = 0;
        for (int i = 0; i < 4; i++) {
            frame[4 + i] = (byte) (sequence >>> (24 - 8 * i));
        }
        for (int i = 0; i < 8; i++) {
            frame[8 + i] = (byte) (timestamp >>> (56 - 8 * i));
        }
    }
}
