package org.callvault.recording;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.callvault.media.AudioFormat;
import org.callvault.media.MediaFrame;
import org.callvault.media.Pcm16;
import org.callvault.media.codec.OpusWire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder thread: the only code that touches recording files while calls run. It takes
 * commands from one queue, places audio on each call's timeline, and every frame period pushes
 * each timeline forward by the server clock, so a silent or stalled leg still yields silence.
 * Each call is a {@link RecordingParts}: a failed write (a full disk) interrupts that call's
 * recording alone, which resumes in a new part file when space returns; the other calls go on.
 */
final class RecorderLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RecorderLoop.class);
    private static final int DRAIN_BATCH = 2048;
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(4);

    private final BlockingQueue<Object> queue;
    private final AudioFormat format;
    private final int windowMillis;
    private final Map<RecordingService.Track, RecordingParts> active = new HashMap<>();
    private final java.util.function.BooleanSupplier enoughSpace;
    /** Where Ogg recordings are encoded, off this thread. */
    private final OggEncoding encoding;
    private final short[] samples;
    /** Rings of ended calls, for the next ones: enough for 300 calls at once (see RingPool). */
    private final RingPool rings = new RingPool(600);
    private final long advanceEveryNanos;
    private volatile boolean running = true;
    private long lastAdvance;

    RecorderLoop(BlockingQueue<Object> queue, AudioFormat format, int windowMillis,
            java.util.function.BooleanSupplier enoughSpace, OggEncoding encoding) {
        this.queue = queue;
        this.encoding = encoding;
        this.enoughSpace = enoughSpace;
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
        else if (command instanceof Omit omit) {
            RecordingParts parts = active.get(omit.track());
            if (parts != null) {
                long sample = format.samplesForNanos(omit.atNanos() - omit.track().answeredNanos);
                if (omit.from()) {
                    parts.omitFrom(sample);
                }
                else {
                    parts.omitUntil(sample);
                }
            }
        }
        else if (command instanceof Reanchor reanchor) {
            RecordingParts parts = active.get(reanchor.track());
            if (parts != null) {
                parts.reanchor(reanchor.leg());
            }
        }
    }

    private void onStart(RecordingService.Track track) {
        RecordingParts parts = new RecordingParts(track.file, format, track.stereo, windowMillis, enoughSpace, track,
                rings, encoding, track.opusPackets);
        active.put(track, parts);
        parts.start(format.samplesForNanos(System.nanoTime() - track.answeredNanos));
    }

    private void onAudio(Audio audio) {
        RecordingParts parts = active.get(audio.track());
        if (parts == null) {
            return;
        }
        byte[] frame = audio.frame();
        long nowSample = format.samplesForNanos(audio.arrivalNanos() - audio.track().answeredNanos);
        if (OpusWire.isOpus(frame)) {
            parts.acceptOpus(audio.leg(), frame, nowSample);
            return;
        }
        int count = MediaFrame.sampleCount(frame);
        Pcm16.decode(frame, MediaFrame.HEADER_BYTES, count * 2, samples);
        parts.accept(audio.leg(), MediaFrame.timestamp(frame), samples, 0, count, nowSample);
    }

    private void advanceAll(long nowNanos) {
        for (Map.Entry<RecordingService.Track, RecordingParts> entry : active.entrySet()) {
            entry.getValue().advance(format.samplesForNanos(nowNanos - entry.getKey().answeredNanos));
        }
    }

    private void onStop(Stop stop) {
        RecordingParts parts = active.remove(stop.track());
        if (parts == null) {
            return;
        }
        long endSample = format.samplesForNanos(stop.endNanos() - stop.track().answeredNanos);
        RecordingParts.Outcome outcome = parts.finish(endSample);
        stop.track().finished(new Finished(outcome.firstPartSamples(), outcome.totalSamples(), outcome.parts(),
                outcome.partial(), outcome.framesAccepted(), outcome.framesDropped(), outcome.error(), outcome.written()));
    }

    record Start(RecordingService.Track track) {
    }

    record Audio(RecordingService.Track track, int leg, byte[] frame, long arrivalNanos) {
    }

    record Stop(RecordingService.Track track, long endNanos) {
    }

    record Reanchor(RecordingService.Track track, int leg) {
    }

    /** The start ({@code from}) or the end of a stretch of the call left out of the file. */
    record Omit(RecordingService.Track track, long atNanos, boolean from) {
    }

    /**
     * @param samples      sample frames in the first part, the recording's main file
     * @param totalSamples sample frames in all parts
     * @param parts        part files written (0: none could be opened)
     * @param partial      a write failed or space lacked: audio of the call is missing
     * @param written      completes when the last part's file is closed; false: a failure cut it short
     */
    record Finished(long samples, long totalSamples, int parts, boolean partial, long framesAccepted,
            long framesDropped, Exception error, java.util.concurrent.CompletableFuture<Boolean> written) {
    }
}
