package org.callvault.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.callvault.media.AudioFormat;
import org.callvault.media.MediaFrame;
import org.callvault.media.Pcm16;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder thread: the only code that touches recording files while calls run. It takes
 * commands from one queue, places audio on each call's timeline, and every frame period pushes
 * each timeline forward by the server clock, so a silent or stalled leg still yields silence.
 */
final class RecorderLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RecorderLoop.class);
    private static final int DRAIN_BATCH = 2048;
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(4);

    private final BlockingQueue<Object> queue;
    private final AudioFormat format;
    private final int windowMillis;
    private final Map<RecordingService.Track, Active> active = new HashMap<>();
    private final short[] samples;
    private final long advanceEveryNanos;
    private volatile boolean running = true;
    private long lastAdvance;

    RecorderLoop(BlockingQueue<Object> queue, AudioFormat format, int windowMillis) {
        this.queue = queue;
        this.format = format;
        this.windowMillis = windowMillis;
        this.samples = new short[4 * format.samplesPerFrame()];
        this.advanceEveryNanos = TimeUnit.MILLISECONDS.toNanos(format.frameMillis());
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running || !queue.isEmpty() || !active.isEmpty()) {
            try {
                // Never block on the queue: a consumer waiting on it makes every producer's offer
                // wake it up (a futex call and a context switch per frame, 20,000 a second at 200
                // calls). The loop sleeps a few milliseconds instead and drains what came meanwhile;
                // the jitter window is hundreds of milliseconds, so nothing is late for the file.
                Object command = queue.poll();
                if (command == null) {
                    LockSupport.parkNanos(IDLE_NANOS);
                    if (Thread.interrupted()) {
                        return;
                    }
                }
                int handled = 0;
                while (command != null) {
                    handle(command);
                    command = ++handled < DRAIN_BATCH ? queue.poll() : null;
                }
                long now = System.nanoTime();
                if (now - lastAdvance >= advanceEveryNanos) {
                    lastAdvance = now;
                    advanceAll(now);
                }
                if (!running && queue.isEmpty() && !active.isEmpty()) {
                    // Shutting down with calls still open (they should have been ended): end them now.
                    for (RecordingService.Track track : active.keySet().toArray(RecordingService.Track[]::new)) {
                        handle(new Stop(track, now));
                    }
                }
            }
            catch (RuntimeException e) {
                log.error("Recorder loop error; going on with the other calls", e);
            }
        }
    }

    private void handle(Object command) {
        if (command instanceof Audio audio) {
            onAudio(audio);
        }
        else if (command instanceof Start start) {
            onStart(start.track());
        }
        else if (command instanceof Stop stop) {
            onStop(stop);
        }
        else if (command instanceof Reanchor reanchor) {
            Active state = active.get(reanchor.track());
            if (state != null && state.recorder != null) {
                state.recorder.reanchor(reanchor.leg());
            }
        }
    }

    private void onStart(RecordingService.Track track) {
        try {
            PrivateFiles.createDirectories(track.file.getParent());
            WavFileWriter writer = new WavFileWriter(track.file, format.sampleRate(), track.stereo ? 2 : 1);
            active.put(track, new Active(new CallRecorder(format, track.stereo, writer, windowMillis), writer));
        }
        catch (IOException | RuntimeException e) {
            log.error("Cannot create recording file {}", track.file, e);
            active.put(track, new Active(null, null, e));
        }
    }

    private void onAudio(Audio audio) {
        Active state = active.get(audio.track());
        if (state == null || state.recorder == null) {
            return;
        }
        byte[] frame = audio.frame();
        int count = MediaFrame.sampleCount(frame);
        Pcm16.decode(frame, MediaFrame.HEADER_BYTES, count * 2, samples);
        long nowSample = format.samplesForNanos(audio.arrivalNanos() - audio.track().answeredNanos);
        try {
            state.recorder.accept(audio.leg(), MediaFrame.timestamp(frame), samples, 0, count, nowSample);
        }
        catch (RuntimeException e) {
            fail(audio.track(), state, e);
        }
    }

    private void advanceAll(long nowNanos) {
        for (Map.Entry<RecordingService.Track, Active> entry : active.entrySet()) {
            Active state = entry.getValue();
            if (state.recorder != null) {
                try {
                    state.recorder.advance(format.samplesForNanos(nowNanos - entry.getKey().answeredNanos));
                }
                catch (RuntimeException e) {
                    fail(entry.getKey(), state, e);
                }
            }
        }
    }

    private void onStop(Stop stop) {
        Active state = active.remove(stop.track());
        if (state == null) {
            return;
        }
        long endSample = format.samplesForNanos(stop.endNanos() - stop.track().answeredNanos);
        if (state.recorder == null) {
            stop.track().finished(new Finished(0, 0, 0, state.error));
            return;
        }
        try {
            RecordingResult result = state.recorder.finish(endSample);
            stop.track().finished(new Finished(result.samples(), result.framesAccepted(),
                    result.tooLateFrames() + result.tooEarlyFrames(), null));
        }
        catch (RuntimeException e) {
            log.error("Cannot finish recording {}", stop.track().file, e);
            closeQuietly(state);
            stop.track().finished(new Finished(0, 0, 0, e));
        }
    }

    private void fail(RecordingService.Track track, Active state, Exception e) {
        log.error("Recording {} failed; the call goes on unrecorded from here", track.file, e);
        closeQuietly(state);
        active.put(track, new Active(null, null, e));
    }

    private static void closeQuietly(Active state) {
        try {
            if (state.writer != null) {
                state.writer.close();
            }
        }
        catch (IOException | RuntimeException ignored) {
            // the repair at next start will fix the header
        }
    }

    private record Active(CallRecorder recorder, WavFileWriter writer, Exception error) {
        Active(CallRecorder recorder, WavFileWriter writer) {
            this(recorder, writer, null);
        }
    }

    record Start(RecordingService.Track track) {
    }

    record Audio(RecordingService.Track track, int leg, byte[] frame, long arrivalNanos) {
    }

    record Stop(RecordingService.Track track, long endNanos) {
    }

    record Reanchor(RecordingService.Track track, int leg) {
    }

    record Finished(long samples, long framesAccepted, long framesDropped, Exception error) {
    }
}
