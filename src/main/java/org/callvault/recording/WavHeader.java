package org.callvault.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The canonical 44-byte header of a PCM WAV file: a RIFF chunk holding a 16-byte {@code fmt }
 * chunk and then the {@code data} chunk, which runs to the end of the file.
 *
 * <p>CallVault only ever writes this layout, so {@link #parse} accepts only this layout: anything
 * else (another container, a compressed or "extensible" format, extra chunks before the data) is
 * refused with an {@link InvalidWavException} that says what was found, rather than guessed at.
 * That strictness is what lets {@link WavRepair} rewrite the size fields of a crashed recording
 * without fear of damaging a file it does not understand.
 *
 * @param sampleRate    samples per second per channel
 * @param channels      1 (mono) or more, interleaved
 * @param bitsPerSample 8, 16, 24 or 32
 * @param dataBytes     size of the sample data as declared (or to be declared) in the header
 */
public record WavHeader(int sampleRate, int channels, int bitsPerSample, long dataBytes) {

    /** Length of the canonical header; the samples start at this offset. */
    public static final int SIZE = 44;

    /** RIFF sizes are unsigned 32-bit and the RIFF size counts 36 header bytes on top of the data. */
    public static final long MAX_DATA_BYTES = 0xFFFF_FFFFL - (SIZE - 8);

    private static final short FORMAT_PCM = 1;
    private static final int FMT_CHUNK_SIZE = 16;
    private static final byte[] RIFF = ascii("RIFF");
    private static final byte[] WAVE = ascii("WAVE");
    private static final byte[] FMT = ascii("fmt ");
    private static final byte[] DATA = ascii("data");

    public WavHeader {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive, got " + sampleRate);
        }
        if (channels < 1 || channels > 8) {
            throw new IllegalArgumentException("channels must be 1..8, got " + channels);
        }
        if (bitsPerSample != 8 && bitsPerSample != 16 && bitsPerSample != 24 && bitsPerSample != 32) {
            throw new IllegalArgumentException("bitsPerSample must be 8, 16, 24 or 32, got " + bitsPerSample);
        }
        if (dataBytes < 0 || dataBytes > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("dataBytes must fit an unsigned 32-bit field, got " + dataBytes);
        }
    }

    /** A 16-bit PCM header, the only kind CallVault writes. */
    public static WavHeader pcm16(int sampleRate, int channels, long dataBytes) {
        return new WavHeader(sampleRate, channels, 16, dataBytes);
    }

    /** Bytes per sample frame (one sample of every channel). */
    public int blockAlign() {
        return channels * bitsPerSample / 8;
    }

    public long byteRate() {
        return (long) sampleRate * blockAlign();
    }

    /** Whole sample frames in the declared data. */
    public long sampleFrames() {
        return dataBytes / blockAlign();
    }

    /** The same format with another data size. */
    public WavHeader withDataBytes(long newDataBytes) {
        return new WavHeader(sampleRate, channels, bitsPerSample, newDataBytes);
    }

    public byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(SIZE);
        writeTo(buffer);
        return buffer.array();
    }

    /**
     * Puts the 44 header bytes at the buffer's position, advancing it. Leaves the buffer's byte
     * order as it found it, so callers can reuse their own buffers.
     *
     * @throws IllegalArgumentException if the data is too large for a WAV file (4 GiB)
     */
    public void writeTo(ByteBuffer dst) {
        if (dataBytes > MAX_DATA_BYTES) {
            throw new IllegalArgumentException("WAV files cannot hold more than " + MAX_DATA_BYTES
                    + " data bytes (4 GiB), got " + dataBytes);
        }
        ByteOrder callerOrder = dst.order();
        dst.order(ByteOrder.LITTLE_ENDIAN);
        try {
            dst.put(RIFF).putInt((int) (dataBytes + SIZE - 8)).put(WAVE);
            dst.put(FMT).putInt(FMT_CHUNK_SIZE)
                    .putShort(FORMAT_PCM)
                    .putShort((short) channels)
                    .putInt(sampleRate)
                    .putInt((int) byteRate())
                    .putShort((short) blockAlign())
                    .putShort((short) bitsPerSample);
            dst.put(DATA).putInt((int) dataBytes);
        }
        finally {
            dst.order(callerOrder);
        }
    }

    /** Parses the first 44 bytes of {@code bytes}. */
    public static WavHeader parse(byte[] bytes) throws InvalidWavException {
        if (bytes.length < SIZE) {
            throw new InvalidWavException("Too short for a WAV header: " + bytes.length + " bytes, need " + SIZE);
        }
        return parse(ByteBuffer.wrap(bytes, 0, SIZE));
    }

    /**
     * Parses the 44 bytes at the buffer's position (absolute reads: the position and byte order
     * are left alone).
     */
    public static WavHeader parse(ByteBuffer src) throws InvalidWavException {
        if (src.remaining() < SIZE) {
            throw new InvalidWavException("Too short for a WAV header: " + src.remaining() + " bytes, need " + SIZE);
        }
        ByteBuffer in = src.slice().order(ByteOrder.LITTLE_ENDIAN);
        expectTag(in, 0, "RIFF", "not a RIFF file");
        expectTag(in, 8, "WAVE", "RIFF file but not WAVE");
        expectTag(in, 12, "fmt ", "no 'fmt ' chunk where the canonical header has it");
        long fmtSize = Integer.toUnsignedLong(in.getInt(16));
        if (fmtSize != FMT_CHUNK_SIZE) {
            throw new InvalidWavException("Unsupported 'fmt ' chunk of " + fmtSize + " bytes (canonical PCM has 16)");
        }
        int format = Short.toUnsignedInt(in.getShort(20));
        if (format != FORMAT_PCM) {
            throw new InvalidWavException("Not PCM: WAV format code " + format
                    + (format == 0xFFFE ? " (extensible)" : format == 3 ? " (IEEE float)" : ""));
        }
        int channels = Short.toUnsignedInt(in.getShort(22));
        long sampleRate = Integer.toUnsignedLong(in.getInt(24));
        long byteRate = Integer.toUnsignedLong(in.getInt(28));
        int blockAlign = Short.toUnsignedInt(in.getShort(32));
        int bits = Short.toUnsignedInt(in.getShort(34));
        expectTag(in, 36, "data", "no 'data' chunk right after 'fmt ' (not a canonical 44-byte header)");
        long dataBytes = Integer.toUnsignedLong(in.getInt(40));

        WavHeader header;
        try {
            if (sampleRate > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("sample rate " + sampleRate + " is out of range");
            }
            header = new WavHeader((int) sampleRate, channels, bits, dataBytes);
        }
        catch (IllegalArgumentException e) {
            throw new InvalidWavException("Unsupported PCM parameters: " + e.getMessage());
        }
        // Redundant fields that disagree mean a corrupt header, not a format to interpret.
        if (blockAlign != header.blockAlign() || byteRate != header.byteRate()) {
            throw new InvalidWavException("Inconsistent header: block align " + blockAlign + ", byte rate " + byteRate
                    + " for " + channels + " channel(s) of " + bits + "-bit at " + sampleRate + " Hz");
        }
        return header;
    }

    private static void expectTag(ByteBuffer in, int at, String tag, String problem) throws InvalidWavException {
        for (int i = 0; i < 4; i++) {
            if (in.get(at + i) != (byte) tag.charAt(i)) {
                throw new InvalidWavException("Not a canonical PCM WAV file: " + problem + " (expected '" + tag
                        + "' at byte " + at + ")");
            }
        }
    }

    private static byte[] ascii(String tag) {
        return new byte[] { (byte) tag.charAt(0), (byte) tag.charAt(1), (byte) tag.charAt(2), (byte) tag.charAt(3) };
    }

    /** The bytes are not a WAV header CallVault can read (or repair). */
    public static final class InvalidWavException extends IOException {

        private static final long serialVersionUID = 1L;

        public InvalidWavException(String message) {
            super(message);
        }
    }
}
