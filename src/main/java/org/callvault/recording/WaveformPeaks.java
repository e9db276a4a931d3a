package org.callvault.recording;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.stereotype.Component;

/**
 * The waveform of a recording as min/max pairs per bucket and channel, computed once by streaming
 * through the file and cached next to the recordings, so drawing a one-hour call never means
 * downloading it. Cached as a small binary file: {@code .peaks/<recording-id>.bin}.
 */
@Component
public class WaveformPeaks {

    public static final int BUCKETS = 1200;

    private final RecordingStore store;

    WaveformPeaks(RecordingStore store) {
        this.store = store;
    }

    /** Per channel, {@code 2 × BUCKETS} values: min and max of each bucket, scaled to -1..1 × 32767. */
    public record Peaks(int channels, int buckets, long frames, int sampleRate, short[][] minMax) {
    }

    public Peaks peaksOf(String recordingId, Path wav) {
        Path cached = cacheFile(recordingId);
        try {
            if (Files.exists(cached) && Files.getLastModifiedTime(cached).compareTo(Files.getLastModifiedTime(wav)) >= 0) {
                return read(cached);
            }
            Peaks peaks = compute(wav);
            write(cached, peaks);
            return peaks;
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the waveform of " + wav.getFileName(), e);
        }
    }

    /** A recording's bytes from object storage: opened only when the cache does not hold its peaks. */
    public interface Source {
        ObjectStorage.Read open() throws IOException;
    }

    /**
     * As {@link #peaksOf(String, Path)} for a recording in object storage, streamed once (never held
     * whole). An uploaded recording never changes, so its cached peaks stay valid until it is deleted.
     */
    public Peaks peaksOf(String recordingId, RecordingFormat format, Source source) {
        Path cached = cacheFile(recordingId);
        try {
            if (Files.exists(cached)) {
                return read(cached);
            }
            Peaks peaks;
            ObjectStorage.Read object = source.open();
            try (InputStream in = object.stream()) {
                peaks = format == RecordingFormat.OPUS ? computeOgg(in) : compute(in, object.length());
            }
            write(cached, peaks);
            return peaks;
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the waveform of recording " + recordingId, e);
        }
    }

    void forget(String recordingId) {
        try {
            Files.deleteIfExists(cacheFile(recordingId));
        }
        catch (IOException ignored) {
            // a stale cache file is harmless: it is keyed by an id that is gone
        }
    }

    /**
     * An Ogg Opus object: the reader needs a file (it reads the last page first for the length), so
     * the stream goes to a private temporary file, deleted once read; about 0.25 MB a minute.
     */
    private static Peaks computeOgg(InputStream in) throws IOException {
        Path copy = Files.createTempFile("callvault-peaks-", ".opus");
        try {
            Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return computeOgg(copy);
        }
        finally {
            Files.deleteIfExists(copy);
        }
    }

    static Peaks compute(Path wav) throws IOException {
        if (RecordingFormat.ofPath(wav.getFileName().toString()) == RecordingFormat.OPUS) {
            return computeOgg(wav);
        }
        try (InputStream in = Files.newInputStream(wav)) {
            return compute(in, Files.size(wav));
        }
    }

    /** From a WAV file's bytes as a stream of {@code size} bytes. */
    static Peaks compute(InputStream in, long size) throws IOException {
        WavHeader header = WavHeader.parse(in.readNBytes(WavHeader.SIZE));
        int channels = header.channels();
        long dataBytes = Math.min(header.dataBytes(), size - WavHeader.SIZE);
        long frames = dataBytes / (2L * channels);
        short[][] minMax = new short[channels][2 * BUCKETS];
        for (short[] channel : minMax) {
            for (int b = 0; b < BUCKETS; b++) {
                channel[2 * b] = Short.MAX_VALUE;
                channel[2 * b + 1] = Short.MIN_VALUE;
            }
        }
        byte[] chunk = new byte[64 * 1024 * channels];
        ByteBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        long frame = 0;
        int read;
        while (frame < frames && (read = in.readNBytes(chunk, 0, chunk.length)) > 0) {
            int framesInChunk = read / (2 * channels);
            for (int i = 0; i < framesInChunk && frame < frames; i++, frame++) {
                int bucket = (int) (frame * BUCKETS / Math.max(1, frames));
                for (int c = 0; c < channels; c++) {
                    short sample = view.getShort((i * channels + c) * 2);
                    short[] channel = minMax[c];
                    if (sample < channel[2 * bucket]) {
                        channel[2 * bucket] = sample;
                    }
                    if (sample > channel[2 * bucket + 1]) {
                        channel[2 * bucket + 1] = sample;
                    }
                }
            }
        }
        for (short[] channel : minMax) {
            for (int b = 0; b < BUCKETS; b++) {
                if (channel[2 * b] > channel[2 * b + 1]) { // empty bucket (a file shorter than BUCKETS frames)
                    channel[2 * b] = 0;
                    channel[2 * b + 1] = 0;
                }
            }
        }
        return new Peaks(channels, BUCKETS, frames, header.sampleRate(), minMax);
    }

    /** The same peaks from an Ogg Opus file, decoded (48 kHz) as it is read. */
    static Peaks computeOgg(Path ogg) throws IOException {
        try (OggOpusReader reader = new OggOpusReader(ogg)) {
            int channels = reader.channels();
            long frames = reader.frames();
            short[][] minMax = new short[channels][2 * BUCKETS];
            for (short[] channel : minMax) {
                for (int b = 0; b < BUCKETS; b++) {
                    channel[2 * b] = Short.MAX_VALUE;
                    channel[2 * b + 1] = Short.MIN_VALUE;
                }
            }
            short[] pcm = new short[org.callvault.media.codec.OpusCodec.MAX_FRAME_SAMPLES * channels];
            long frame = 0;
            for (int n = reader.read(pcm, pcm.length / channels); n > 0; n = reader.read(pcm, pcm.length / channels)) {
                for (int i = 0; i < n; i++, frame++) {
                    int bucket = (int) Math.min(BUCKETS - 1, frame * BUCKETS / Math.max(1, frames));
                    for (int c = 0; c < channels; c++) {
                        short sample = pcm[i * channels + c];
                        short[] channel = minMax[c];
                        channel[2 * bucket] = (short) Math.min(channel[2 * bucket], sample);
                        channel[2 * bucket + 1] = (short) Math.max(channel[2 * bucket + 1], sample);
                    }
                }
            }
            for (short[] channel : minMax) {
                for (int b = 0; b < BUCKETS; b++) {
                    if (channel[2 * b] > channel[2 * b + 1]) {
                        channel[2 * b] = 0;
                        channel[2 * b + 1] = 0;
                    }
                }
            }
            return new Peaks(channels, BUCKETS, frames, org.callvault.media.codec.OpusCodec.SAMPLE_RATE, minMax);
        }
    }

    private Path cacheFile(String recordingId) {
        return store.root().resolve(".peaks").resolve(java.util.UUID.fromString(recordingId) + ".bin");
    }

    private static void write(Path file, Peaks peaks) throws IOException {
        PrivateFiles.createDirectories(file.getParent());
        ByteBuffer buffer = ByteBuffer.allocate(20 + peaks.channels() * peaks.buckets() * 4);
        buffer.putInt(peaks.channels()).putInt(peaks.buckets()).putLong(peaks.frames()).putInt(peaks.sampleRate());
        for (short[] channel : peaks.minMax()) {
            for (short value : channel) {
                buffer.putShort(value);
            }
        }
        PrivateFiles.writeAtomically(file, buffer.array());
    }

    private static Peaks read(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file));
        int channels = buffer.getInt();
        int buckets = buffer.getInt();
        long frames = buffer.getLong();
        int rate = buffer.getInt();
        short[][] minMax = new short[channels][2 * buckets];
        for (short[] channel : minMax) {
            for (int i = 0; i < channel.length; i++) {
                channel[i] = buffer.getShort();
            }
        }
        return new Peaks(channels, buckets, frames, rate, minMax);
    }
}
