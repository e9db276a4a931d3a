package org.callvault.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

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
 *
 * <p>With Ogg Opus recordings the same frames go through {@link OggOpusWriter} and its encoding
 * pool (the step copies and hand-over, resampling, the Opus encoder, the pages): the encoders run
 * as cold as the mixer would. The warm-up has a pool of its own, one thread and no bound, so that
 * it encodes every step (the recorder's pool would turn most of them into silence: the warm-up
 * feeds faster than real time) and counts nothing in the recorder's metrics.
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
        return run(format, windowMillis, RecordingFormat.WAV);
    }

    /** As above, writing the files in {@code fileFormat}, as the recorder does. */
    static List<Exercised> run(AudioFormat format, int windowMillis, RecordingFormat fileFormat) throws IOException {
        List<Exercised> done = new ArrayList<>(2);
        try (OggEncoding encoding = new OggEncoding(1, Integer.MAX_VALUE, new SimpleMeterRegistry())) {
            for (boolean stereo : new boolean[] { false, true }) {
                done.add(runLayout(format, windowMillis, fileFormat, encoding, stereo));
            }
        }
        return done;
    }

    private static Exercised runLayout(AudioFormat format, int windowMillis, RecordingFormat fileFormat,
            OggEncoding encoding, boolean stereo) throws IOException {
        Path folder = Files.createTempDirectory("callvault-warm-up-");
        Path file = folder.resolve(fileFormat.rename("warm-up"));
        try {
            RecordingWriter out = fileFormat.open(file, format.sampleRate(), stereo ? 2 : 1,
                    (int) format.samplesForMillis(CallRecorder.LATE_AUDIO_KEPT_MILLIS), encoding);
            CallRecorder recorder = new CallRecorder(format, stereo, out, windowMillis);
            RecordingResult result;
            try {
                feed(recorder, format);
            }
            finally {
                result = recorder.finish((long) FRAMES * format.samplesPerFrame());
            }
            // The file is the pool's until it is closed: deleted only then.
            boolean whole = awaitClosed(out);
            return new Exercised(stereo, result.samples(), recorder.samplesPatched(), whole ? Files.size(file) : -1);
        }
        finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(folder);
        }
    }

    private static boolean awaitClosed(RecordingWriter out) throws IOException {
        try {
            return out.completion().get(30, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while the warm-up's file was finished", e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IOException("The warm-up's file was not finished", e);
        }
    }

    /**
     * What one layout's run went through: for the test that the warm-up covers what calls do.
     *
     * @param fileBytes the file's size once finished (-1: it could not be finished)
     */
    record Exercised(boolean stereo, long samplesWritten, long samplesPatched, long fileBytes) {
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
