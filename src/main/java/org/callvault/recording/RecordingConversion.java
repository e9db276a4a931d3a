package org.callvault.recording;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditLog;
import org.callvault.media.codec.OpusCodec;
import org.callvault.system.CallVaultProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import jakarta.annotation.PreDestroy;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts stored WAV recordings to the configured format (Ogg Opus) on demand, in the background,
 * one at a time on a thread of its own (never the recorder's). Each recording keeps its id, call
 * and duration; its row gets the new path, format, codec, bit rate, size and hash; the sidecar
 * follows; one audit entry per file. The WAV file is deleted only after the Ogg file was decoded
 * back in full, lasts exactly what the WAV lasted (at 48 kHz) and still has the hash the row got.
 * A recording in object storage is converted through a copy in the spool ({@link BucketConversion});
 * one still in the spool waiting for its upload is converted there, never during an upload.
 *
 * <p>Recordings under a legal hold are <b>not</b> converted: a hold preserves the evidence as it
 * is, byte for byte and with the hash already given out; they are counted as skipped. Recordings
 * in several parts (a full disk) are skipped too: their parts must stay one format.
 */
@Service
public class RecordingConversion {

    private static final Logger log = LoggerFactory.getLogger(RecordingConversion.class);
    /** Rows taken per round: bounded memory whatever the library's size. */
    private static final int BATCH = 100;

    /** What a run was asked to do, as answered at once (the work itself goes on in the background). */
    public record Started(boolean started, String format, String message) {
    }

    /**
     * Where the current (or last) run is: how many recordings it converted and left as WAV so far,
     * and how many WAV recordings that could be converted are still waiting (counted now).
     */
    public record Progress(boolean running, String format, String startedBy, Instant startedAt, Instant finishedAt,
            int converted, int skipped, long waiting) {
    }

    /** The counters of one run; replaced whole at each start, so a reader never mixes two runs. */
    private record Run(String actor, Instant startedAt, AtomicInteger converted, AtomicInteger skipped,
            AtomicReference<Instant> finishedAt) {

        static Run startedBy(String actor, Clock clock) {
            return new Run(actor, clock.instant(), new AtomicInteger(), new AtomicInteger(), new AtomicReference<>());
        }
    }

    private final RecordingRepository repository;
    private final RecordingStore store;
    private final LegalHolds holds;
    private final AuditLog audit;
    private final WaveformPeaks peaks;
    private final JsonMapper json;
    private final RecordingObjects objects;
    private final BucketConversion inBucket;
    private final RecordingFormat target;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "recording-conversion");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean running = new AtomicBoolean();
    private final Clock clock;
    private volatile Run lastRun;

    RecordingConversion(RecordingRepository repository, RecordingStore store, LegalHolds holds, AuditLog audit,
            WaveformPeaks peaks, JsonMapper json, CallVaultProperties properties, Clock clock, RecordingObjects objects,
            BucketConversion inBucket) {
        this.clock = clock;
        this.objects = objects;
        this.inBucket = inBucket;
        this.repository = repository;
        this.store = store;
        this.holds = holds;
        this.audit = audit;
        this.peaks = peaks;
        this.json = json;
        this.target = RecordingFormat.parse(properties.recordings().format());
    }

    /** Starts converting every WAV recording to the configured format, unless a run is going on or there is nothing to do. */
    public Started start(String actor) {
        if (target == RecordingFormat.WAV) {
            return new Started(false, "wav", "callvault.recordings.format is wav: nothing to convert to");
        }
        if (!running.compareAndSet(false, true)) {
            return new Started(false, target.extension(), "A conversion is already running");
        }
        Run run = Run.startedBy(actor, clock);
        lastRun = run;
        worker.execute(() -> {
            try {
                run(run);
            }
            finally {
                run.finishedAt().set(clock.instant());
                running.set(false);
            }
        });
        return new Started(true, target.extension(), "Converting WAV recordings to " + target.extension());
    }

    public boolean running() {
        return running.get();
    }

    /** The current or last run's figures (zeros and no times before the first run since start). */
    public Progress progress() {
        Run run = lastRun;
        long waiting = target == RecordingFormat.WAV ? 0 : repository.countWavToConvert();
        if (run == null) {
            return new Progress(false, target.extension(), null, null, null, 0, 0, waiting);
        }
        return new Progress(running.get(), target.extension(), run.actor(), run.startedAt(), run.finishedAt().get(),
                run.converted().get(), run.skipped().get(), waiting);
    }

    /** Converts until no WAV recording is left that may be converted; returns how many were. */
    int run(String actor) {
        return run(Run.startedBy(actor, clock));
    }

    private int run(Run run) {
        String actor = run.actor();
        int converted = 0;
        java.util.Set<String> skipped = new java.util.HashSet<>();
        while (true) {
            var batch = repository.findWavToConvert(BATCH + skipped.size()).stream()
                    .filter(r -> !skipped.contains(r.id())).toList();
            if (batch.isEmpty()) {
                break;
            }
            for (RecordingRepository.StoredRecording recording : batch) {
                try {
                    if (holds.find(recording.callId()).isPresent() || !convert(recording, actor)) {
                        skipped.add(recording.id());
                        run.skipped().incrementAndGet();
                    }
                    else {
                        converted++;
                        run.converted().incrementAndGet();
                    }
                }
                catch (IOException | RuntimeException e) {
                    log.error("Could not convert recording {}; its WAV file is kept", recording.id(), e);
                    skipped.add(recording.id());
                    run.skipped().incrementAndGet();
                }
            }
        }
        log.info("Conversion to {}: {} recording(s) converted, {} left as WAV (held, failed or changed meanwhile)",
                target, converted, skipped.size());
        return converted;
    }

    private boolean convert(RecordingRepository.StoredRecording recording, String actor) throws IOException {
        BucketConversion.Converted done;
        if (recording.inObjectStorage()) {
            done = inBucket.convert(recording, target, this::convertFile);
        }
        else if (objects.enabled()) {
            // Still in this node's spool: not while it uploads; the upload pass then takes the Ogg file.
            done = objects.withoutUploads(() -> {
                var now = repository.findById(recording.id()).orElse(null);
                if (now == null || !now.path().equals(recording.path())) {
                    return null;
                }
                return now.inObjectStorage() ? inBucket.convert(now, target, this::convertFile) : convertLocal(now);
            });
            if (done != null) {
                objects.retrySoon(); // the Ogg file goes up now rather than at the next pass
            }
        }
        else {
            done = convertLocal(recording);
        }
        if (done == null) {
            return false;
        }
        peaks.forget(recording.id());
        audit.record(AuditAction.RECORDING_CONVERTED, actor, recording.id(), "WAV -> " + target.name() + ", "
                + done.size() + " bytes, sha256 " + done.sha256(), null);
        return true;
    }

    /**
     * A recording in this node's recordings folder: the Ogg file beside the WAV file, which goes
     * last; null when the row changed meanwhile.
     */
    private BucketConversion.Converted convertLocal(RecordingRepository.StoredRecording recording) throws IOException {
        Path wav = store.resolve(recording.path());
        String newPath = target.rename(recording.path());
        Path ogg = store.resolve(newPath);
        Files.deleteIfExists(ogg); // what a run interrupted before its row changed left behind
        BucketConversion.Converted converted = convertFile(wav, ogg);
        if (!repository.converted(recording.id(), recording.path(), newPath, target,
                target.bitrate(converted.channels()), converted.size(), converted.sha256())) {
            Files.deleteIfExists(ogg); // deleted or converted meanwhile: the row is the truth
            return null;
        }
        rewriteSidecar(wav, ogg, newPath, converted.size(), converted.sha256());
        Files.delete(wav);
        return converted;
    }

    /** Converts one WAV file to {@code ogg} and verifies it: decoded back in full, the frames exact, the hash unchanged. */
    private BucketConversion.Converted convertFile(Path wav, Path ogg) throws IOException {
        long frames;
        int rate;
        int channels;
        try (InputStream in = Files.newInputStream(wav)) {
            WavHeader header = WavHeader.parse(in.readNBytes(WavHeader.SIZE));
            rate = header.sampleRate();
            channels = header.channels();
            frames = Math.min(header.dataBytes(), Files.size(wav) - WavHeader.SIZE) / header.blockAlign();
            byte[] bytes = new byte[header.blockAlign() * 4_410];
            short[] samples = new short[bytes.length / 2];
            try (OggOpusWriter writer = new OggOpusWriter(ogg, rate, channels, target.bitrate(channels),
                    RecordingFormat.OPUS_COMPLEXITY, 0)) {
                for (long left = frames; left > 0; ) {
                    int want = (int) Math.min(bytes.length, left * header.blockAlign());
                    int got = in.readNBytes(bytes, 0, want);
                    if (got < want) {
                        throw new IOException(wav + " ended before its declared length");
                    }
                    ByteBuffer.wrap(bytes, 0, got).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples, 0, got / 2);
                    writer.write(samples, 0, got / 2);
                    left -= got / header.blockAlign();
                }
            }
        }
        String sha = RecordingService.sha256(ogg);
        verify(ogg, Math.round(frames * (double) OpusCodec.SAMPLE_RATE / rate), channels);
        if (!sha.equals(RecordingService.sha256(ogg))) {
            throw new IOException(ogg + " changed while it was verified");
        }
        return new BucketConversion.Converted(Files.size(ogg), sha, channels);
    }

    /** Decodes the whole file back: every page's CRC, every packet, and exactly the frames expected. */
    private static void verify(Path ogg, long expectedFrames, int channels) throws IOException {
        try (OggOpusReader reader = new OggOpusReader(ogg)) {
            if (reader.frames() != expectedFrames || reader.channels() != channels) {
                throw new IOException(ogg + " declares " + reader.frames() + " frames of " + reader.channels()
                        + " channel(s), expected " + expectedFrames + " of " + channels);
            }
            short[] pcm = new short[OpusCodec.MAX_FRAME_SAMPLES * channels];
            long decoded = 0;
            for (int n = reader.read(pcm, OpusCodec.MAX_FRAME_SAMPLES); n > 0;
                    n = reader.read(pcm, OpusCodec.MAX_FRAME_SAMPLES)) {
                decoded += n;
            }
            if (decoded != expectedFrames) {
                throw new IOException(ogg + " decodes to " + decoded + " frames, expected " + expectedFrames);
            }
        }
    }

    private void rewriteSidecar(Path wav, Path ogg, String newPath, long size, String sha) {
        Path sidecar = RecordingSidecar.fileFor(wav);
        try {
            if (Files.exists(sidecar)) {
                RecordingSidecar.read(sidecar, json).convertedTo(newPath, target, size, sha).write(ogg, json);
            }
        }
        catch (IOException | RuntimeException e) {
            log.warn("Could not rewrite the sidecar {}", sidecar, e);
        }
    }

    @PreDestroy
    void shutdown() {
        worker.shutdownNow();
    }
}
