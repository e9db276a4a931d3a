package org.callvault.loadtool;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Whether a recording holds the caller's tone throughout a stretch of the call, in 20 ms blocks: the
 * stand-in for "packets not played" when the caller is SIPp, whose send timeline the tool does not
 * see. A lost or late packet is silence in the file, so the block it falls in (or, straddling two
 * blocks, at least one of them) loses at least half of its tone.
 *
 * <p>A block holds the tone when the tone's amplitude in it (Goertzel) is at least 3/4 of the
 * recording's median block and above an eighth of the tool's tone amplitude (silence, or a quiet
 * frame, is far below). The caller is the left channel of a stereo recording, or one of the two
 * tones of a mono mix (the agent's, above 2 kHz, leaks nothing measurable into the caller's
 * frequency over 20 ms).
 */
final class CallerToneBlocks {

    static final int BLOCK_MILLIS = 20;
    /** The first half second of a recording is not judged (the caller's first packets are on the way). */
    static final double SKIP_MILLIS = 500;
    /**
     * Nor its last 200 ms: the agent hangs up at the end of the window, and what the jitter buffer
     * still held then (its depth, 40 to 200 ms) is not played.
     */
    static final double END_MILLIS = 200;
    static final double SHARE_OF_MEDIAN = 0.75;
    static final double MIN_AMPLITUDE = Tone.AMPLITUDE / 8.0;

    /** Blocks judged, and those without the tone. */
    record Count(long checked, long missing) {
    }

    private CallerToneBlocks() {
    }

    /**
     * Counts the blocks of {@code [fromMs, toMs)} of the recording (ms from its start, the answer;
     * clipped to the part that is judged) without the caller's tone. A WAV or an Ogg Opus file
     * ({@link RecordingChecker#EXTENSIONS}); an Ogg file is decoded up to the stretch's end.
     */
    static Count count(Path file, int frequency, double fromMs, double toMs) throws IOException {
        if (!file.getFileName().toString().endsWith(".wav")) {
            OggOpusRecording.Scan scan = OggOpusRecording.scan(file);
            if (scan.head() == null) {
                throw new IOException(file + ": " + scan.problem());
            }
            Stretch s = Stretch.of(scan.frames(), OggOpusRecording.SAMPLE_RATE, fromMs, toMs);
            if (s == null) {
                return new Count(0, 0);
            }
            OggOpusRecording.Audio audio = OggOpusRecording.decode(file, scan.head(), s.first(), s.frames());
            return judge(audio.pcm(), scan.head().channels(), s, frequency);
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] hb = new byte[44];
            f.readFully(hb);
            RecordingChecker.WavHeader h = RecordingChecker.parseHeader(hb);
            if (h.problem() != null) {
                throw new IOException(file + ": " + h.problem());
            }
            Stretch s = Stretch.of(Math.min(h.dataSize(), f.length() - 44) / h.blockAlign(), h.sampleRate(), fromMs, toMs);
            if (s == null) {
                return new Count(0, 0);
            }
            byte[] raw = new byte[s.frames() * h.blockAlign()];
            f.seek(44 + s.first() * h.blockAlign());
            f.readFully(raw);
            short[] pcm = new short[raw.length / 2];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(pcm);
            return judge(pcm, h.channels(), s, frequency);
        }
    }

    /** The judged blocks of a recording of {@code frames} sample frames at {@code rate}: from frame {@code first}. */
    private record Stretch(long first, int blocks, int block, int rate) {

        /** Null when no whole block is judged. */
        static Stretch of(long frames, int rate, double fromMs, double toMs) {
            long first = (long) (Math.max(fromMs, SKIP_MILLIS) * rate / 1000);
            long end = Math.min(frames - (long) (END_MILLIS * rate / 1000), (long) (toMs * rate / 1000));
            int block = rate * BLOCK_MILLIS / 1000;
            int blocks = (int) Math.max(0, (end - first) / block);
            return blocks == 0 ? null : new Stretch(first, blocks, block, rate);
        }

        int frames() {
            return blocks * block;
        }
    }

    /** {@code pcm}: the stretch's interleaved frames; the caller is channel 0. */
    private static Count judge(short[] pcm, int channels, Stretch s, int frequency) {
        double coeff = Goertzel.coefficient(frequency, s.rate());
        double[] amplitude = new double[s.blocks()];
        for (int k = 0; k < s.blocks(); k++) {
            amplitude[k] = Goertzel.blockAmplitude(pcm, k * s.block() * channels, channels, s.block(), coeff);
        }
        double[] sorted = amplitude.clone();
        Arrays.sort(sorted);
        double threshold = Math.max(MIN_AMPLITUDE, SHARE_OF_MEDIAN * sorted[s.blocks() / 2]);
        long missing = Arrays.stream(amplitude).filter(a -> a < threshold).count();
        return new Count(s.blocks(), missing);
    }
}
