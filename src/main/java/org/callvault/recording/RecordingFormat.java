package org.callvault.recording;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How a recording is stored ({@code callvault.recordings.format}): the file's format, its name's
 * extension, its Content-Type, its writer and its crash repair. Where the file lives is
 * {@link RecordingStore}'s business, not this one's.
 */
public enum RecordingFormat {

    /** 16-bit PCM in WAV at the recorder's rate: the default, byte for byte the seed's files. */
    WAV("wav", "audio/wav", "pcm_s16le"),
    /** Ogg Opus (RFC 7845), 48 kHz, one party per channel in stereo. */
    OPUS("opus", "audio/ogg", "opus");

    /**
     * The recorder's encoder complexity: the lowest that keeps a 1 kHz tone's level within 1 dB and
     * its SNR at 25 dB or more; measured in docs/ARCHITECTURE.md ("Recording formats").
     */
    public static final int OPUS_COMPLEXITY = 0;
    /** Mono mix: speech in wideband, at most 0.18 MB a minute. */
    static final int OPUS_MONO_BITRATE = 24_000;
    /** Stereo, one party per channel: about 0.23 MB a minute (the goal is at most 0.25). */
    static final int OPUS_STEREO_BITRATE = 30_000;

    private final String extension;
    private final String contentType;
    private final String codec;

    RecordingFormat(String extension, String contentType, String codec) {
        this.extension = extension;
        this.contentType = contentType;
        this.codec = codec;
    }

    /** The most bytes a file of this format holds before its first audio: the headers. */
    long headerBytes() {
        return this == WAV ? WavHeader.SIZE : 2 * OggPages.HEADER_BYTES + 2 + 19 + 8 + 4 + 9 + 4;
    }

    /** The setting's value: {@code wav} or {@code opus}. */
    public static RecordingFormat parse(String setting) {
        String value = setting == null ? "" : setting.strip().toLowerCase(Locale.ROOT);
        for (RecordingFormat format : values()) {
            if (format.extension.equals(value)) {
                return format;
            }
        }
        throw new IllegalArgumentException("callvault.recordings.format must be wav or opus, not '" + setting + "'");
    }

    /** The format of a stored file, from its name (rows and sidecars keep names with their extension). */
    public static RecordingFormat ofPath(String path) {
        return path.endsWith("." + OPUS.extension) ? OPUS : WAV;
    }

    public String extension() {
        return extension;
    }

    public String contentType() {
        return contentType;
    }

    /** The codec column of the recording row. */
    public String codec() {
        return codec;
    }

    /** Bits per second of the stored audio, all channels together. */
    public int bitrate(int sampleRate, int channels) {
        return this == WAV ? sampleRate * 16 * channels : bitrate(channels);
    }

    int bitrate(int channels) {
        return channels == 2 ? OPUS_STEREO_BITRATE : OPUS_MONO_BITRATE;
    }

    /**
     * Creates a new file for a recording.
     *
     * @param lateFrames how many of the last sample frames must stay open to late audio
     */
    public RecordingWriter open(Path file, int sampleRate, int channels, int lateFrames) throws IOException {
        return open(file, sampleRate, channels, lateFrames, null);
    }

    /** As above; an Ogg Opus file is encoded on {@code encoding}'s pool if it is not null. */
    RecordingWriter open(Path file, int sampleRate, int channels, int lateFrames, OggEncoding encoding)
            throws IOException {
        return switch (this) {
            case WAV -> new WavFileWriter(file, sampleRate, channels);
            case OPUS -> new OggOpusWriter(file, sampleRate, channels, bitrate(channels), OPUS_COMPLEXITY, lateFrames,
                    org.callvault.media.codec.OpusCodec.implementation(), encoding);
        };
    }

    /** Makes a file left open by a crash playable; returns the sample frames it holds (at the recording's rate). */
    public long repair(Path file) throws IOException {
        return switch (this) {
            case WAV -> WavRepair.repair(file).samples();
            case OPUS -> OggRepair.repair(file).samples();
        };
    }

    /** {@code <name>.<this extension>} for a name with any recording extension (or none). */
    public String rename(String fileName) {
        return stem(fileName) + "." + extension;
    }

    /** A recording file's name without its format's extension. */
    static String stem(String fileName) {
        for (RecordingFormat format : values()) {
            if (fileName.endsWith("." + format.extension)) {
                return fileName.substring(0, fileName.length() - format.extension.length() - 1);
            }
        }
        return fileName;
    }
}
