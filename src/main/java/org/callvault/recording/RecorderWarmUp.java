package org.callvault.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.callvault.media.AudioFormat;
import org.callvault.media.MediaFrame;
import org.callvault.media.Pcm16;

/**
 * Runs the recorder's per-frame code (frame decoding, the timelines, mixing and interleaving, late
 * patches, the WAV writer) on a throw-away recording at start-up, so that the JIT has compiled it
 * before the first calls arrive.
 *
 * <p>Why: the recorder is one thread for all calls, and how fast it runs cold decides whether it
 * keeps up. Measured with 100 calls arriving as soon as the server was up on this 2-core machine
 * (docs/BENCHMARKS.md, "The recorder's cold start"): the compiler threads got so little CPU beside
 * the calls that {@code Mixer.mix} ran interpreted for the first 35 s; the recorder's queue grew
 * to its 150,000-frame limit (frames dropped from the recordings), and every young collection
 * copied the queued frames into the old generation, pausing 100–250 ms, until C2 caught up.
 * Feeding the same code a few seconds of audio while the server starts costs a fraction of a
 * second and gets C2 to compile it then, on an idle machine.
 */
final class RecorderWarmUp {

    /** Frames per layout (20 s of audio each): enough invocations for C2 on every branch used. */
    static final int FRAMES = 1_000;

    private RecorderWarmUp() {
    }

    /**
     * Records {@link #FRAMES} frames of two tones in mono and in stereo, then deletes the files. They
     * go to the system's temporary folder: in the recordings folder, crash recovery or the orphan
     * check could take one for a recording.
     */
    static List<Exercised> run(AudioFormat format, int windowMillis) throws IOException {
        List<Exercised> done = new ArrayList<>(2);
        for (boolean stereo : new boolean[] { false, true }) {
            Path folder = Files.createTempDirectory("callvault-warm-up-");
            Path file = folder.resolve("warm-up.wav");
            try {
                WavFileWriter out = new WavFileWriter(file, format.sampleRate(), stereo ? 2 : 1);
                CallRecorder recorder = new CallRecorder(format, stereo, out, windowMillis);
                try {
                    feed(recorder, format);
                }
                finally {
                    RecordingResult result = recorder.finish((long) FRAMES * format.samplesPerFrame());
                    done.add(new Exercised(stereo, result.samples(), recorder.samplesPatched()));
                }
            }
            finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(folder);
            }
        }
        return done;
    }

    /** What one layout's run went through: for the test that the warm-up covers what calls do. */
    record Exercised(boolean stereo, long samplesWritten, long samplesPatched) {
    }

    /**
     * Two legs as the network delivers them: mostly in time, every 25th agent frame held back and
     * delivered late (a patch), every 40th caller frame two frames ahead of its turn (reordering).
     * Frames go through the same byte layout and decoding as {@code RecorderLoop} gives them.
     */
    private static void feed(CallRecorder recorder, AudioFormat format) {
        int n = format.samplesPerFrame();
        byte[][] frames = { tone(format, 440), tone(format, 2_000) };
        short[] samples = new short[n];
        byte[] late = null;
        for (int k = 0; k < FRAMES; k++) {
            long timestamp = (long) k * n;
            long now = timestamp + n;
            for (int leg = 0; leg < 2; leg++) {
                byte[] frame = frames[leg];
                MediaFrame.writeHeader(frame, k, timestamp);
                if (leg == CallRecorder.AGENT && k % 25 == 3) {
                    late = frame.clone(); // 17 frames late: past the 300 ms window, so patched in
                    continue;
                }
                place(recorder, leg, frame, samples, now);
            }
            if (late != null && k % 25 == 20) {
                place(recorder, CallRecorder.AGENT, late, samples, now);
                late = null;
            }
            recorder.advance(now);
        }
    }

    private static void place(CallRecorder recorder, int leg, byte[] frame, short[] samples, long now) {
        int count = MediaFrame.sampleCount(frame);
        Pcm16.decode(frame, MediaFrame.HEADER_BYTES, count * 2, samples);
        recorder.accept(leg, MediaFrame.timestamp(frame), samples, 0, count, now);
    }

    private static byte[] tone(AudioFormat format, int hertz) {
        int n = format.samplesPerFrame();
        short[] pcm = new short[n];
        for (int i = 0; i < n; i++) {
            pcm[i] = (short) (8_000 * Math.sin(2 * Math.PI * hertz * i / format.sampleRate()));
        }
        byte[] frame = new byte[MediaFrame.HEADER_BYTES + 2 * n];
        Pcm16.encode(pcm, 0, n, frame, MediaFrame.HEADER_BYTES);
        return frame;
    }
}
