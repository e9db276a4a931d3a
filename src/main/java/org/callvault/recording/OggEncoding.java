package org.callvault.recording;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.callvault.system.SerialExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes Ogg Opus recordings off the recorder thread. Measured: encoding a stereo step costs the
 * thread that does it about 235 µs, so the one recorder thread could not keep up beyond some 80
 * recordings; it now only copies each step here (a few µs, docs/BENCHMARKS.md).
 *
 * <p>A bounded pool ({@code min(cores, 4)} daemon threads, {@code recording-encoder-N}) and one
 * {@link Lane} per recording: a serial queue, drained on the pool by one thread at a time, so a
 * recording's steps are encoded in order and never two at once. A lane holds at most
 * {@code maxQueuedSteps} steps of PCM (50: a second); a step that finds it full is encoded as
 * silence instead, so the file keeps its exact length, and is counted in
 * {@code callvault_recording_encode_dropped_steps_total}.
 */
final class OggEncoding implements AutoCloseable {

    /** A second of 20 ms steps: a recording's PCM waiting to be encoded, at most. */
    static final int MAX_QUEUED_STEPS = 50;

    private static final Logger log = LoggerFactory.getLogger(OggEncoding.class);

    private final ThreadPoolExecutor pool;
    private final int maxQueuedSteps;
    private final Counter droppedSteps;

    OggEncoding(MeterRegistry meters) {
        this(Math.min(Runtime.getRuntime().availableProcessors(), 4), MAX_QUEUED_STEPS, meters);
    }

    OggEncoding(int threads, int maxQueuedSteps, MeterRegistry meters) {
        if (threads < 1 || maxQueuedSteps < 1) {
            throw new IllegalArgumentException("An encoding pool needs a thread and room for a step, not " + threads
                    + " thread(s) and " + maxQueuedSteps + " step(s)");
        }
        this.maxQueuedSteps = maxQueuedSteps;
        AtomicInteger number = new AtomicInteger();
        // Threads start with the first Ogg recording: a WAV server never has them.
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "recording-encoder-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.droppedSteps = Counter.builder("callvault.recording.encode.dropped.steps")
                .description("Steps of Ogg recordings written as silence because their encoding had fallen a second behind")
                .register(meters);
    }

    /** A new recording's queue. */
    Lane newLane() {
        return new Lane();
    }

    /**
     * Lets the lanes finish what they hold (recordings being finished are written out), then stops
     * the threads; called once the recorder thread has stopped.
     */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("Ogg encoders still busy after 30 s; their recordings are repaired at the next start");
                pool.shutdownNow();
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }

    /**
     * One recording's serial queue ({@link SerialExecutor} on the pool). Steps come from one thread
     * (the recorder's); tasks run on the pool, one at a time, in the order given, each seeing what
     * the previous one did.
     */
    final class Lane {

        private final SerialExecutor tasks = new SerialExecutor(pool, "an Ogg recording's encoding");
        private final AtomicInteger queuedSteps = new AtomicInteger();

        private Lane() {
        }

        /**
         * Queues a step of PCM ({@code encode}), or, if a second of steps is waiting already,
         * {@code silence} in its place (counted).
         *
         * @return whether {@code encode} was queued (if not, its PCM may be reused at once)
         */
        boolean step(Runnable encode, Runnable silence) {
            if (queuedSteps.get() >= maxQueuedSteps) {
                droppedSteps.increment();
                submit(silence);
                return false;
            }
            queuedSteps.incrementAndGet();
            submit(() -> {
                queuedSteps.decrementAndGet();
                encode.run();
            });
            return true;
        }

        /** Queues {@code last} behind every step; the future completes when it has run. */
        CompletableFuture<Void> last(Runnable last) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            submit(() -> {
                try {
                    last.run();
                    done.complete(null);
                }
                catch (RuntimeException | Error e) {
                    done.completeExceptionally(e);
                    throw e;
                }
            });
            return done;
        }

        /** Steps of PCM waiting. */
        int queuedSteps() {
            return queuedSteps.get();
        }

        /** The pool refuses work only once it is closed: the recorder thread has stopped by then. */
        private void submit(Runnable task) {
            if (!tasks.submit(task)) {
                throw new RejectedExecutionException("The Ogg encoding pool is closed");
            }
        }
    }
}
