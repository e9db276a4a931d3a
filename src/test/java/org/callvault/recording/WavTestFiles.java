package org.callvault.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.callvault.media.Pcm16;

/** Reads a WAV file back the independent, simple way, to check what the writer produced. */
final class WavTestFiles {

    private WavTestFiles() {
    }

    /** A whole file: its header as declared, its size and all its samples (interleaved if stereo). */
    record Wav(WavHeader header, long fileSize, short[] samples) {

        /** One channel of the samples. */
        short[] channel(int channel) {
            int channels = header.channels();
            short[] out = new short[samples.length / channels];
            for (int i = 0; i < out.length; i++) {
                out[i] = samples[i * channels + channel];
            }
            return out;
        }
    }

    static Wav read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        WavHeader header = WavHeader.parse(bytes);
        int dataBytes = (bytes.length - WavHeader.SIZE) & ~1;
        return new Wav(header, bytes.length, Pcm16.decode(bytes, WavHeader.SIZE, dataBytes));
    }

    /** The 44 header bytes as they are on disk. */
    static byte[] headerBytes(Path file) throws IOException {
        return Arrays.copyOf(Files.readAllBytes(file), WavHeader.SIZE);
    }
}
