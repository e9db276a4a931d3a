package org.callvault.recording;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;

import org.callvault.database.PersistenceQueue;
import org.callvault.media.AudioFormat;
import org.callvault.media.AudioSink;
import org.callvault.system.CallVaultProperties;
import org.callvault.system.TrainingStart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

import tools.jackson.databind.json.JsonMapper;

/**
 * Records answered calls. Network threads only enqueue frames (a bounded queue, never the disk);
 * one recorder thread places them on each call's timeline and writes the WAV files; a finalizer
 * thread hashes finished files, updates their rows (through the {@link PersistenceQueue}, so a
 * database outage neither delays an answer nor loses a recording's real length) and writes their
 * sidecars, off the recorder's clock. A recording that runs out of space is kept playable, marked
 * partial, counted ({@code callvault_recordings_failed_total}, {@code callvault_recordings_disk_full_total}),
 * announced ({@link RecordingStateChanged}) and resumed in a new part when space returns: see
 * {@link RecordingParts}.
 */
@Service
public class RecordingService {

    private static final Logger log = LoggerFactory.getLogger(RecordingService.class);
    /** About 3 s of audio at 500 two-legged calls: room for a disk hiccup, bounded memory. */
    private static final int QUEUE_CAPACITY = 150_000;
    private static final int JITTER_WINDOW_MILLIS = 300;

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    /**
     * One thread: hashing runs at about 1 GB/s once compiled (4 ms for 5 MB, a minute of mono
     * audio), and a burst of calls ending together must not take both cores from the network threads.
     */
    private final ExecutorService finalizer = Executors.newSingleThreadExecutor(namedThreads("recording-finalizer"));
    private final RecorderLoop loop;
    private final Thread recorderThread;
    /** Encodes Ogg Opus recordings off the recorder thread (no threads until the first one). */
    private final OggEncoding encoding;

    private final RecordingStore store;
    private final RecordingRepository repository;
    private final PersistenceQueue writes;
    private final AudioFormat format;
    private final boolean stereo;
    /** The format new recordings are written in; each stored file keeps its own (its name says which). */
    private final RecordingFormat fileFormat;
    /** What Opus talkers are asked to encode at: a recording of their own packets has it per party. */
    private final int opusBitrate;
    private final Clock clock;
    private final Counter dropped;
    private final Counter failed;
    private final Counter diskFull;
    private final Counter written;
    private final Counter bytesWritten;
    private final RecordingSpace space;
    private final ApplicationEventPublisher events;
    private final JsonMapper json;
    private final RecordingObjects uploads;

    public RecordingService(RecordingStore store, RecordingRepository repository, PersistenceQueue writes,
            AudioFormat format,
            CallVaultProperties properties, Clock clock, MeterRegistry meters, RecordingSpace space,
            ApplicationEventPublisher events, JsonMapper json, RecordingObjects uploads) {
        this.uploads = uploads;
        this.space = space;
        this.events = events;
        this.json = json;
        this.failed = Counter.builder("callvault.recordings.failed")
                .description("Recordings that lost audio to a failed write or a lack of space").register(meters);
        this.diskFull = Counter.builder("callvault.recordings.disk.full")
                .description("Recording interruptions because the recordings folder was full (or below its floor)")
                .register(meters);
        this.written = Counter.builder("callvault.recordings.written")
                .description("Recordings finished and kept (complete or partial)").register(meters);
        this.bytesWritten = Counter.builder("callvault.recordings.written.bytes").baseUnit("bytes")
                .description("Size of the recordings finished, main file").register(meters);
        this.store = store;
        this.repository = repository;
        this.writes = writes;
        this.format = format;
        this.stereo = properties.recordings().channels() == 2;
        this.fileFormat = RecordingFormat.parse(properties.recordings().format());
        this.opusBitrate = properties.media().opusBitrate();
        this.clock = clock;
        this.dropped = Counter.builder("callvault.recording.frames.dropped")
                .description("Frames the recorder queue could not take").register(meters);
        meters.gauge("callvault.recording.queue.size", queue, BlockingQueue::size);
        this.encoding = new OggEncoding(meters);
        this.loop = new RecorderLoop(queue, format, JITTER_WINDOW_MILLIS, space::enough, encoding);
        this.recorderThread = namedThreads("recorder").newThread(loop);
        recorderThread.start();
        if (!TrainingStart.running()) { // see TrainingStart: not trained, warmed up at each start
            finalizer.execute(RecordingService::warmUpDigest);
            finalizer.execute(() -> warmUpRecorder(format, fileFormat));
        }
    }

    /** See {@link RecorderWarmUp}: on the finalizer thread, so start-up does not wait for it. */
    private static void warmUpRecorder(AudioFormat format, RecordingFormat fileFormat) {
        long start = System.nanoTime();
        try {
            RecorderWarmUp.run(format, JITTER_WINDOW_MILLIS, fileFormat);
            log.info("Recorder warmed up in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        catch (IOException | RuntimeException e) {
            log.warn("Could not warm the recorder up (calls are recorded all the same, the first ones on colder code)", e);
        }
    }

    /**
     * Hashes a few megabytes of nothing at start-up so that the JIT has compiled SHA-256 to its CPU
     * intrinsic before the first calls end: cold, the first file hashed 30 times slower (124 ms
     * instead of 4 for 5 MB), and dozens of calls ending together then starved the live calls.
     */
    private static void warmUpDigest() {
        MessageDigest digest = newSha256();
        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < 256; i++) {
            digest.update(block);
        }
        digest.digest();
    }

    public AudioFormat format() {
        return format;
    }

    /** Starts recording a call answered at {@code answeredNanos} (System.nanoTime). */
    public ActiveRecording start(String callId, Instant answeredAt, long answeredNanos) {
        return start(callId, answeredAt, answeredNanos, stereo);
    }

    /**
     * As {@link #start(String, Instant, long)}, with the channel layout chosen for this call: a
     * SIPREC session of two streams is stereo (one participant per channel) whatever the default.
     */
    public ActiveRecording start(String callId, Instant answeredAt, long answeredNanos, boolean stereo) {
        return start(callId, answeredAt, answeredNanos, stereo, false);
    }

    /** The channel layout new recordings get unless a call chooses its own: stereo, one party per channel. */
    public boolean stereoByDefault() {
        return stereo;
    }

    /**
     * As {@link #start(String, Instant, long, boolean)}, told whether both talkers agreed to speak
     * Opus: a stereo Ogg Opus recording then stores their own packets ({@link OpusPacketRecorder})
     * and asks the bridge for no PCM at all. It stays right if a talker sends PCM after all (it is
     * encoded at the recorder), only dearer.
     */
    public ActiveRecording start(String callId, Instant answeredAt, long answeredNanos, boolean stereo,
            boolean opusTalkers) {
        String id = UUID.randomUUID().toString();
        String relativePath = store.relativePathFor(UUID.fromString(callId), answeredAt.toEpochMilli(), fileFormat);
        int channels = stereo ? 2 : 1;
        long createdAt = clock.millis();
        boolean opusPackets = opusTalkers && stereo && fileFormat == RecordingFormat.OPUS;
        // Stored packets have the rate the talkers were asked for, one stream each.
        int bitrate = opusPackets ? 2 * opusBitrate : fileFormat.bitrate(format.sampleRate(), channels);
        writes.submit(null, () -> repository.insertStarted(id, callId, relativePath, format.sampleRate(), channels,
                bitrate, createdAt));
        Path file = store.resolve(relativePath);
        Track track = new Track(id, callId, relativePath, file, answeredNanos, stereo, opusPackets);
        enqueueControl(new RecorderLoop.Start(track));
        return track;
    }

    private void enqueueControl(Object command) {
        // Control messages must never be lost: wait for room rather than drop.
        try {
            queue.put(command);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while handing a command to the recorder", e);
        }
    }

    /**
     * Once the last part's file is closed (an Ogg file is finished on the encoding pool, after its
     * queued steps), hashes it and writes its row and sidecar on the finalizer thread.
     */
    private void finalizeFile(Track track, RecorderLoop.Finished finished) {
        finished.written().whenComplete((whole, failure) -> finalizer.execute(() -> finalizeWritten(track, finished,
                finished.partial() || !Boolean.TRUE.equals(whole))));
    }

    private void finalizeWritten(Track track, RecorderLoop.Finished finished, boolean partial) {
        RecordingSummary summary;
        try {
            if (finished.parts() == 0) {
                throw new IOException("No part of the recording could be written", finished.error());
            }
            long size = Files.size(track.file);
            String sha = sha256(track.file);
            // The main file's own length: what /audio plays. Later parts are files of their own.
            long durationMs = format.millisFor(finished.samples());
            RecordingStatus status = RecordingStatus.COMPLETE;
            long finishedAt = clock.millis();
            writes.submit(null, () -> repository.finished(track.id, status, durationMs, size, sha, false, finishedAt,
                    partial, finished.parts()));
            long lost = track.lostPackets();
            if (lost > 0) {
                writes.submit(null, () -> repository.lostPackets(track.id, lost));
            }
            writeSidecar(track, durationMs, size, sha, partial, finished.parts(), false);
            // With object storage: uploaded behind the row's update, then gone from the spool.
            uploads.finished(track.id, track.relativePath, sha, finished.parts());
            written.increment();
            bytesWritten.increment(size);
            summary = new RecordingSummary(track.id, track.callId, track.relativePath, finished.samples(),
                    durationMs, size, sha, status, finished.framesAccepted(), finished.framesDropped());
            log.info("Recording {} of call {}: {} ms, {} bytes, {}{}", track.id, track.callId, durationMs, size,
                    status, partial ? ", partial in " + finished.parts() + " part(s)" : "");
        }
        catch (IOException | RuntimeException e) {
            log.error("Could not finalize recording {} of call {}", track.id, track.callId, e);
            countFailure(track);
            long failedAt = clock.millis();
            writes.submit(null, () -> repository.finished(track.id, RecordingStatus.FAILED, 0, 0, null, false,
                    failedAt, partial, finished.parts()));
            summary = new RecordingSummary(track.id, track.callId, track.relativePath, 0, 0, 0, null,
                    RecordingStatus.FAILED, 0, 0);
        }
        track.done.complete(summary);
    }

    /**
     * Writes the recording's sidecar (see {@link RecordingSidecar}); a failure is logged, never
     * fatal: the row is what the library reads.
     */
    void writeSidecar(String recordingId, String callId, String relativePath, int sampleRate, int channels,
            long durationMs, long size, String sha, boolean partial, int parts, boolean repaired) {
        Path file = store.resolve(relativePath);
        try {
            RecordingRepository.CallFacts call = repository.callFacts(callId)
                    .orElse(new RecordingRepository.CallFacts(null, null, null, null, null, null, null));
            new RecordingSidecar(RecordingSidecar.VERSION, recordingId, callId, relativePath, call.callerName(),
                    call.callerNumber(), call.agent(), call.createdAt(), call.answeredAt(), call.endedAt(),
                    call.endReason(), RecordingFormat.ofPath(relativePath).name(), sampleRate, channels, durationMs, size, sha, partial, parts, repaired,
                    clock.millis()).write(file, json);
        }
        catch (IOException | RuntimeException e) {
            log.warn("Could not write the sidecar of recording {} ({})", recordingId, file, e);
        }
    }

    private void writeSidecar(Track track, long durationMs, long size, String sha, boolean partial, int parts,
            boolean repaired) {
        writeSidecar(track.id, track.callId, track.relativePath, format.sampleRate(), track.stereo ? 2 : 1, durationMs,
                size, sha, partial, parts, repaired);
    }

    /**
     * One failure per recording, however often it was interrupted: on the recorder thread, or on
     * the finalizer after the recorder handed the finished track over (which orders the two).
     */
    private void countFailure(Track track) {
        if (!track.counted) {
            track.counted = true;
            failed.increment();
        }
    }

    /** Counts an interruption and tells the consoles, off the recorder thread. */
    private void recordingStateChanged(Track track, RecordingStateChanged.State state, int part, boolean full) {
        if (state == RecordingStateChanged.State.INTERRUPTED) {
            countFailure(track);
            if (full) {
                diskFull.increment();
            }
        }
        RecordingStateChanged change = new RecordingStateChanged(track.callId, track.id, state, part,
                state == RecordingStateChanged.State.RESUMED ? null : full ? "disk_full" : "write_failed");
        finalizer.execute(() -> {
            try {
                events.publishEvent(change);
            }
            catch (RuntimeException e) {
                log.warn("Could not announce {}", change, e);
            }
        });
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), newSha256())) {
            byte[] buffer = new byte[64 * 1024];
            while (in.read(buffer) >= 0) {
                // reading feeds the digest
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    /** Finishes what is queued (calls were ended by then), then stops the threads. */
    @PreDestroy
    void shutdown() throws InterruptedException {
        loop.stop();
        recorderThread.join(TimeUnit.SECONDS.toMillis(20));
        // The last recordings' Ogg files are finished on the pool, then handed to the finalizer.
        encoding.close();
        finalizer.shutdown();
        finalizer.awaitTermination(30, TimeUnit.SECONDS);
    }

    /** Non-daemon: shutdown waits for files to be finalized. */
    private static java.util.concurrent.ThreadFactory namedThreads(String name) {
        return r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(false);
            return thread;
        };
    }

    /** One call's recording: the handle the call holds, and the state the recorder thread keeps. */
    final class Track implements ActiveRecording, AudioSink, RecordingParts.Listener {

        final String id;
        final String callId;
        final String relativePath;
        final Path file;
        final long answeredNanos;
        final boolean stereo;
        /** The talkers' Opus packets are stored as they came ({@link OpusPacketRecorder}). */
        final boolean opusPackets;
        final CompletableFuture<RecordingSummary> done = new CompletableFuture<>();
        /** Per track: packets its transport lost before they reached the server, running totals. */
        final java.util.concurrent.atomic.AtomicLongArray lostPackets = new java.util.concurrent.atomic.AtomicLongArray(2);
        /** Whether this recording was counted as failed (once): the recorder thread, then the finalizer. */
        boolean counted;

        Track(String id, String callId, String relativePath, Path file, long answeredNanos, boolean stereo,
                boolean opusPackets) {
            this.opusPackets = opusPackets;
            this.id = id;
            this.callId = callId;
            this.relativePath = relativePath;
            this.file = file;
            this.answeredNanos = answeredNanos;
            this.stereo = stereo;
        }

        @Override
        public String recordingId() {
            return id;
        }

        @Override
        public AudioSink sink() {
            return this;
        }

        @Override
        public void audio(int track, byte[] frame, long arrivalNanos) {
            if (!queue.offer(new RecorderLoop.Audio(this, track, frame, arrivalNanos))) {
                dropped.increment();
            }
        }

        @Override
        public boolean needsPcm(int track) {
            return !opusPackets;
        }

        @Override
        public void transportLoss(int track, long packetsLostSoFar) {
            lostPackets.accumulateAndGet(track, packetsLostSoFar, Math::max);
        }

        long lostPackets() {
            return lostPackets.get(0) + lostPackets.get(1);
        }

        @Override
        public void legAttached(int track) {
            enqueueControl(new RecorderLoop.Reanchor(this, track));
        }

        @Override
        public void omitFrom(long atNanos) {
            enqueueControl(new RecorderLoop.Omit(this, atNanos, true));
        }

        @Override
        public void omitUntil(long atNanos) {
            enqueueControl(new RecorderLoop.Omit(this, atNanos, false));
        }

        @Override
        public CompletableFuture<RecordingSummary> finish(long endNanos) {
            enqueueControl(new RecorderLoop.Stop(this, endNanos));
            return done;
        }

        void finished(RecorderLoop.Finished finished) {
            finalizeFile(this, finished);
        }

        @Override
        public void interrupted(int part, boolean diskFull, Exception cause) {
            recordingStateChanged(this, RecordingStateChanged.State.INTERRUPTED, part, diskFull);
        }

        @Override
        public void resumed(int part) {
            recordingStateChanged(this, RecordingStateChanged.State.RESUMED, part, false);
        }
    }
}
