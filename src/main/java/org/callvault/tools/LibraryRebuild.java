package org.callvault.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.callvault.call.CallSearchIndex;
import org.callvault.recording.RecordingObjects;
import org.callvault.recording.RecordingSidecar;
import org.callvault.recording.RecordingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * {@code --callvault.tools.rebuild-library=true}: after a lost database, puts back a call row and a
 * recording row for every recording sidecar ({@code <call-id>.json}) in the recordings folder and,
 * with {@code callvault.storage.type=s3}, in the bucket (listed page by page; those rows say the
 * recording is in object storage), then lets the server start as usual. Each sidecar must name an
 * existing file (an object beside it, for the bucket's); a bad one is logged and skipped. Rows that already exist are left alone, so running it twice
 * changes nothing. Runs before the web server opens and before crash recovery.
 */
@Component
class LibraryRebuild implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(LibraryRebuild.class);

    private final JdbcClient jdbc;
    private final CallSearchIndex searchIndex;
    private final RecordingStore store;
    private final RecordingObjects objects;
    private final JsonMapper json;
    private final boolean enabled;

    LibraryRebuild(JdbcClient jdbc, CallSearchIndex searchIndex, RecordingStore store, RecordingObjects objects,
            JsonMapper json, Environment environment) {
        this.objects = objects;
        this.jdbc = jdbc;
        this.searchIndex = searchIndex;
        this.store = store;
        this.json = json;
        this.enabled = environment.getProperty("callvault.tools.rebuild-library", Boolean.class, false);
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (!enabled) {
            return;
        }
        int[] counts = new int[2]; // put back, already listed
        // The spool first: a recording both there and in the bucket (a crash between its upload and
        // its row's mark) gets a LOCAL row, so the upload pass stores it again and empties the spool.
        for (Path sidecar : sidecars()) {
            rebuildFrom(sidecar.toString(), () -> RecordingSidecar.read(sidecar, json), "LOCAL", counts);
        }
        if (objects.enabled()) {
            try (Stream<String> keys = objects.sidecarKeys()) {
                keys.forEach(key -> rebuildFrom("object " + key, () -> objectSidecar(key), "S3", counts));
            }
            catch (IOException | UncheckedIOException e) {
                log.error("Could not list the bucket's sidecars; the rows of recordings only there are not back", e);
            }
        }
        log.warn("Library rebuilt from {}{}: {} recordings put back, {} already listed", store.root(),
                objects.enabled() ? " and the bucket" : "", counts[0], counts[1]);
    }

    /** Reads one sidecar. */
    private interface SidecarSource {
        RecordingSidecar read() throws IOException;
    }

    private void rebuildFrom(String where, SidecarSource source, String storage, int[] counts) {
        try {
            if (rebuild(source.read(), storage)) {
                counts[0]++;
            }
            else {
                counts[1]++;
            }
        }
        catch (IOException | RuntimeException e) {
            // One bad sidecar (hand-edited, truncated, not a sidecar) must not cost the others.
            log.error("Could not rebuild the library row of {}", where, e);
        }
    }

    /** A sidecar object, which must name the recording file it sits beside (else anyone's key could list any file). */
    private RecordingSidecar objectSidecar(String key) throws IOException {
        RecordingSidecar sidecar = objects.readSidecar(key)
                .orElseThrow(() -> new IOException("The object " + key + " was removed while the bucket was read"));
        if (sidecar.path() == null || !key.equals(objects.sidecarKey(sidecar.path()))) {
            throw new IOException("The sidecar " + key + " names " + sidecar.path() + ", not a file beside it");
        }
        return sidecar;
    }

    private List<Path> sidecars() {
        try (Stream<Path> files = Files.walk(store.root(), 4)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .filter(p -> !p.startsWith(store.root().resolve("mic-tests")))
                    .filter(Files::isRegularFile).sorted().toList();
        }
        catch (IOException e) {
            throw new IllegalStateException("Cannot read the recordings folder " + store.root(), e);
        }
    }

    private boolean rebuild(RecordingSidecar r, String storage) throws IOException {
        if (jdbc.sql("SELECT COUNT(*) FROM recordings WHERE id = :id").param("id", r.recordingId()).query(Long.class)
                .single() > 0) {
            return false;
        }
        Path wav = store.resolve(r.path()); // refuses a path out of the recordings folder, for objects too
        if ("S3".equals(storage) ? !objects.exists(r.path()) : !Files.isRegularFile(wav)) {
            log.warn("Sidecar of recording {} names {}, which is missing; skipped", r.recordingId(),
                    "S3".equals(storage) ? "object " + r.path() : wav);
            return false;
        }
        if (jdbc.sql("SELECT COUNT(*) FROM calls WHERE id = :id").param("id", r.callId()).query(Long.class)
                .single() == 0) {
            long created = r.createdAt() != null ? r.createdAt() : r.recordedAt();
            Long answered = r.answeredAt() != null ? r.answeredAt() : created;
            jdbc.sql("""
                    INSERT INTO calls (id, state, caller_name, caller_number, agent_username, created_at, answered_at,
                                       ended_at, end_reason, duration_ms)
                    VALUES (:id, 'ENDED', :name, :number, :agent, :created, :answered, :ended, :reason, :duration)
                    """)
                    .param("id", r.callId()).param("name", r.callerName()).param("number", r.callerNumber())
                    .param("agent", r.agent()).param("created", created).param("answered", answered)
                    .param("ended", r.endedAt() != null ? r.endedAt() : answered + r.durationMs())
                    .param("reason", r.endReason() != null ? r.endReason() : "SERVER_RESTART")
                    .param("duration", r.endedAt() != null ? r.endedAt() - answered : r.durationMs())
                    .update();
            searchIndex.add(r.callId(), r.callerName(), r.callerNumber());
        }
        jdbc.sql("""
                INSERT INTO recordings (id, call_id, path, format, codec, bitrate, sample_rate, channels, status,
                                        duration_ms, size_bytes, sha256, repaired, created_at, finished_at, partial, parts,
                                        storage)
                VALUES (:id, :call, :path, :format, :codec, :bitrate, :rate, :channels, 'COMPLETE', :duration, :size,
                        :sha, :repaired, :created, :finished, :partial, :parts, :storage)
                """)
                .param("id", r.recordingId()).param("call", r.callId()).param("path", r.path())
                .param("format", r.format())
                .param("codec", org.callvault.recording.RecordingFormat.ofPath(r.path()).codec())
                .param("bitrate", org.callvault.recording.RecordingFormat.ofPath(r.path()).bitrate(r.sampleRate(), r.channels()))
                .param("rate", r.sampleRate()).param("channels", r.channels())
                .param("duration", r.durationMs()).param("size", r.sizeBytes()).param("sha", r.sha256())
                .param("repaired", r.repaired())
                .param("created", r.answeredAt() != null ? r.answeredAt() : r.recordedAt())
                .param("finished", r.recordedAt()).param("partial", r.partial()).param("parts", Math.max(1, r.parts()))
                .param("storage", storage).update();
        return true;
    }
}
