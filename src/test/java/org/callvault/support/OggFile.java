package org.callvault.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.callvault.recording.OggOpusReader;

/** An Ogg Opus recording decoded in full (48 kHz, interleaved) for assertions, as {@link WavFile} is for WAV. */
public record OggFile(int channels, long fileBytes, short[] samples) {

    public static final int SAMPLE_RATE = 48_000;

    public static OggFile read(Path path) throws IOException {
        try (OggOpusReader reader = new OggOpusReader(path)) {
            int channels = reader.channels();
            short[] samples = new short[(int) reader.frames() * channels];
            short[] buffer = new short[5_760 * channels];
            int at = 0;
            for (int n = reader.read(buffer, 5_760); n > 0; n = reader.read(buffer, 5_760)) {
                System.arraycopy(buffer, 0, samples, at, n * channels);
                at += n * channels;
            }
            if (at != samples.length) {
                throw new IOException(path + " decodes to " + at / channels + " frames, declares " + reader.frames());
            }
            return new OggFile(channels, Files.size(path), samples);
        }
    }

    public long frames() {
        return samples.length / channels;
    }

    public double durationMs() {
        return frames() * 1000.0 / SAMPLE_RATE;
    }

    /** One channel of a stereo file. */
    public short[] channel(int index) {
        short[] out = new short[(int) frames()];
        for (int i = 0; i < out.length; i++) {
            out[i] = samples[i * channels + index];
        }
        return out;
    }
}
