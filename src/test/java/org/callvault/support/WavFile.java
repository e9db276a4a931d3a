package org.callvault.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a canonical 44-byte-header PCM16 WAV file for assertions. */
public record WavFile(int sampleRate, int channels, long declaredDataBytes, long fileBytes, short[] samples) {

    public static WavFile read(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int channels = header.getShort(22);
        int rate = header.getInt(24);
        long dataBytes = header.getInt(40) & 0xffffffffL;
        short[] samples = new short[(bytes.length - 44) / 2];
        ByteBuffer.wrap(bytes, 44, bytes.length - 44).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        return new WavFile(rate, channels, dataBytes, bytes.length, samples);
    }

    public long frames() {
        return samples.length / channels;
    }

    public double durationMs() {
        return frames() * 1000.0 / sampleRate;
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
