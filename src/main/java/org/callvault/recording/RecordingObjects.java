package org.callvault.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;

import org.callvault.database.PersistenceQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * A recording's objects in object storage: reads them (playback, peaks), deletes them, and moves
 * finished recordings from this node's recordings folder (the spool) to object storage when
 * {@code callvault.storage.type=s3}; does nothing otherwise. One thread of its own
 * ({@code recording-upload}) does every upload, so the SDK's blocking calls never run on a network
 * thread or the recorder's, and a recording is never uploaded twice at once. A recording is
 * uploaded (main file, later parts, sidecar), verified ({@link ObjectStorage#put}), its row marked,
 * and only then are its spool files removed; a failed upload keeps them, and the thread tries every
 * recording still in the spool again every {@code callvault.storage.s3.retry-every} (and at start,
 * after crash repair). Also the {@code recordingStorage} health component: the bucket as the last
 * attempt saw it, answered at once.
 */
@Component("recordingStorageHealthIndicator")
public class RecordingObjects implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(RecordingObjects.class);
    /** Rows read per retry pass: those of other nodes' spools are read too, and skipped. */
    private static final int SCAN = 1000;
    /** Far above any sidecar (about 1 KB): what a bad object may make the server read. */
    static final int MAX_SIDECAR = 64 * 1024;

    private final ObjectStorage storage;
    private final RecordingStore store;
    private final RecordingRepository repository;
    private final PersistenceQueue writes;
    private final JsonMapper json;
    private final ScheduledExecutorService thread;
    private final Counter uploaded;
    private final Counter failures;
    private final AtomicInteger waiting = new AtomicInteger();
    /** Held by each upload, and by a conversion of a recording still in the spool. */
    private final ReentrantLock uploading = new ReentrantLock();
    private volatile String problem;
    private volatile boolean probed;

    RecordingObjects(Optional<ObjectStorage> storage, RecordingStore store, RecordingRepository repository,
            PersistenceQueue writes, RecordingStorageProperties properties, MeterRegistry meters, JsonMapper json) {
        this.storage = storage.orElse(null);
        this.json = json;
        this.store = store;
        this.repository = repository;
        this.writes = writes;
        this.uploaded = Counter.builder("callvault.recordings.uploaded")
                .description("Recordings uploaded to object storage and verified").register(meters);
        this.failures = Counter.builder("callvault.recordings.upload.failed")
                .description("Upload attempts that failed (the spool copy is kept and tried again)").register(meters);
        meters.gauge("callvault.recordings.upload.waiting", waiting);
        if (this.storage == null) {
            this.thread = null;
            return;
        }
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "recording-upload");
            t.setDaemon(true);
            return t;
        });
        long every = properties.s3().retryEvery().toMillis();
        // The first pass probes the bucket and picks up what an earlier run left in the spool.
        thread.scheduleWithFixedDelay(this::retryPending, 0, every, TimeUnit.MILLISECONDS);
    }

    public boolean enabled() {
        return storage != null;
    }

    /**
     * A recording was finalized: upload it once its row says COMPLETE. The hand-over goes through
     * the database's write queue, behind the row's own update, so the upload never marks a row
     * that is not finished yet (and a database outage delays the upload, never loses it: the
     * retry pass finds it).
     */
    void finished(String recordingId, String relativePath, String sha256, int parts) {
        if (storage == null) {
            return;
        }
        RecordingRepository.NotUploaded recording = new RecordingRepository.NotUploaded(recordingId, relativePath,
                sha256, parts);
        waiting.incrementAndGet();
        writes.submit(null, () -> thread.execute(() -> {
            waiting.decrementAndGet();
            upload(recording);
        }));
    }

    /** Tries every recording still in this node's spool now (after crash repair). */
    void retrySoon() {
        if (storage != null) {
            thread.execute(this::retryPending);
        }
    }

    private void retryPending() {
        try {
            problem = storage.problem();
            probed = true;
            if (problem != null) {
                log.warn("Object storage unavailable ({}); recordings stay in {} until it is back", problem,
                        store.root());
                return;
            }
            for (RecordingRepository.NotUploaded recording : repository.findNotUploaded(SCAN)) {
                if (Files.isRegularFile(store.resolve(recording.path())) && !upload(recording)) {
                    return; // the storage failed: wait for the next pass rather than fail them all
                }
            }
        }
        catch (RuntimeException e) {
            log.warn("Could not look for recordings to upload", e);
        }
    }

    /** Uploads one recording; false when the storage failed (the spool copy is kept). */
    private boolean upload(RecordingRepository.NotUploaded recording) {
        uploading.lock();
        try {
            return upload0(recording);
        }
        finally {
            uploading.unlock();
        }
    }

    /**
     * Runs {@code work} while no upload is going on: a conversion of a recording still in the spool
     * must not race its upload (the upload would mark the row uploaded with the converted file's
     * path while only the WAV went to the bucket).
     */
    <T> T withoutUploads(Work<T> work) throws IOException {
        uploading.lock();
        try {
            return work.run();
        }
        finally {
            uploading.unlock();
        }
    }

    /** A piece of work on the recordings' files. */
    interface Work<T> {
        T run() throws IOException;
    }

    /** The object storage, or an IOException when this node has none (a recording uploaded elsewhere). */
    ObjectStorage storage(String relativePath) throws IOException {
        if (storage == null) {
            throw new IOException("Recording " + relativePath + " is in object storage, but callvault.storage.type "
                    + "is not s3 on this node");
        }
        return storage;
    }

    /** The key of a recording's sidecar object. */
    public String sidecarKey(String relativePath) {
        return relative(RecordingSidecar.fileFor(store.resolve(relativePath)));
    }

    /**
     * The sidecar objects in the bucket ({@code .json} keys of the dated folders; microphone tests
     * are never uploaded), listed page by page as the stream is read: close it. Empty without
     * object storage.
     */
    public Stream<String> sidecarKeys() throws IOException {
        if (storage == null) {
            return Stream.empty();
        }
        return storage.list("").filter(key -> key.endsWith(".json") && !key.startsWith("mic-tests/"));
    }

    /**
     * A sidecar object read and parsed, or empty when there is none; one larger than any sidecar
     * ({@value #MAX_SIDECAR} bytes) or not a sidecar's JSON is refused with an exception.
     */
    public Optional<RecordingSidecar> readSidecar(String key) throws IOException {
        ObjectStorage.Read read;
        try {
            read = storage(key).get(key, null);
        }
        catch (java.io.FileNotFoundException e) {
            return Optional.empty();
        }
        try (var in = read.stream()) {
            if (read.length() > MAX_SIDECAR) {
                throw new IOException("The object " + key + " has " + read.length() + " bytes: not a sidecar");
            }
            return Optional.of(RecordingSidecar.read(in.readNBytes(MAX_SIDECAR), json));
        }
    }

    /** Whether an object is in the bucket (a read of its first byte: no listing). */
    public boolean exists(String relativePath) throws IOException {
        try (var in = storage(relativePath).get(relativePath, "bytes=0-0").stream()) {
            return true;
        }
        catch (ObjectStorage.RangeNotSatisfiable e) {
            return true; // an empty object
        }
        catch (java.io.FileNotFoundException e) {
            return false;
        }
    }

    private boolean upload0(RecordingRepository.NotUploaded recording) {
        Path main = store.resolve(recording.path());
        if (!Files.isRegularFile(main)) {
            return true; // uploaded by an earlier attempt, deleted, or recorded on another node
        }
        List<Path> files = companions(main, recording.parts());
        try {
            storage.put(recording.path(), main, recording.sha256());
            for (Path file : files) {
                if (Files.isRegularFile(file)) {
                    storage.put(relative(file), file, null);
                }
            }
        }
        catch (IOException | RuntimeException e) {
            failures.increment();
            problem = e.getMessage();
            log.warn("Upload of recording {} failed; its spool copy {} is kept and tried again: {}", recording.id(),
                    main, e.getMessage());
            return false;
        }
        problem = null;
        boolean marked;
        try {
            marked = repository.markInObjectStorage(recording.id());
        }
        catch (RuntimeException e) {
            log.warn("Recording {} uploaded but its row could not be marked; tried again later", recording.id(), e);
            return true;
        }
        if (!marked) {
            // Deleted (or being deleted) while it was uploading: its objects go too.
            deleteObjects(recording.path(), main, files);
            log.info("Recording {} was deleted while it uploaded; its objects are removed", recording.id());
        }
        else {
            uploaded.increment();
            log.info("Recording {} uploaded ({}), spool copy removed", recording.id(), recording.path());
        }
        deleteQuietly(main);
        files.forEach(RecordingObjects::deleteQuietly);
        return true;
    }

    /**
     * Opens an uploaded recording's file ({@code part} 1 is the main file), whole or one byte range:
     * see {@link ObjectStorage#get}.
     */
    public ObjectStorage.Read read(String relativePath, int part, String range) throws IOException {
        ObjectStorage storage = storage(relativePath);
        Path main = store.resolve(relativePath);
        return storage.get(part == 1 ? relativePath : relative(RecordingParts.partFile(main, part)), range);
    }

    /** Deletes a recording's objects (main, later parts, sidecar); a failure throws. */
    void deleteObjects(String relativePath, int parts) throws IOException {
        ObjectStorage storage = storage(relativePath);
        Path main = store.resolve(relativePath);
        storage.delete(relativePath);
        for (Path file : companions(main, parts)) {
            storage.delete(relative(file));
        }
    }

    private void deleteObjects(String relativePath, Path main, List<Path> files) {
        try {
            storage.delete(relativePath);
            for (Path file : files) {
                storage.delete(relative(file));
            }
        }
        catch (IOException e) {
            log.warn("Could not remove the objects of deleted recording {}", relativePath, e);
        }
    }

    /** The later parts and the sidecar of a recording's main file. */
    static List<Path> companions(Path main, int parts) {
        List<Path> files = new ArrayList<>();
        for (int part = 2; part <= parts; part++) {
            files.add(RecordingParts.partFile(main, part));
        }
        files.add(RecordingSidecar.fileFor(main));
        return files;
    }

    /** A file's key: its path in the recordings folder, with '/' whatever the platform. */
    String relative(Path file) {
        return store.root().relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        }
        catch (IOException e) {
            log.warn("Could not remove the spool copy {}", file, e);
        }
    }

    @Override
    public Health health() {
        if (storage == null) {
            return Health.up().withDetail("type", "local").build();
        }
        // Not part of readiness on purpose: every node shares the bucket, and taking them all out of
        // the balancer would stop every call; the spool records on and uploads when it is back.
        Health.Builder health = problem == null ? Health.up() : Health.down().withDetail("error", problem);
        return health.withDetail("type", "s3").withDetail("probed", probed)
                .withDetail("waitingUploads", waiting.get()).build();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        if (thread != null) {
            thread.shutdown();
            // An upload in progress finishes (or the next start uploads it again: the spool copy is kept).
            thread.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
