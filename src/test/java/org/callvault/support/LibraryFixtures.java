package org.callvault.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

import org.callvault.call.CallSearchIndex;
import org.callvault.media.ToneGenerator;
import org.callvault.recording.RecordingSidecar;
import org.callvault.recording.RecordingStore;
import org.callvault.recording.WavFileWriter;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/** Calls and recordings written straight to the database and disk, as the recorder would leave them. */
@Component
public class LibraryFixtures {

    private final JdbcClient jdbc;
    private final RecordingStore store;
    private final CallSearchIndex searchIndex;

    public LibraryFixtures(JdbcClient jdbc, RecordingStore store, CallSearchIndex searchIndex) {
        this.jdbc = jdbc;
        this.store = store;
        this.searchIndex = searchIndex;
    }

    public record Stored(String callId, String recordingId, Path file) {
    }

    /** A finished call; with a recording of {@code seconds} of 440 Hz when {@code recorded}. */
    public Stored call(Instant createdAt, String state, String callerName, String callerNumber, String agent,
            Long durationMs, boolean recorded) throws Exception {
        String callId = UUID.randomUUID().toString();
        Long answeredAt = durationMs == null ? null : createdAt.toEpochMilli() + 2000;
        jdbc.sql("""
                INSERT INTO calls (id, state, caller_name, caller_number, agent_username, created_at, answered_at,
                                   ended_at, end_reason, duration_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).params(callId, state, callerName, callerNumber, agent, createdAt.toEpochMilli(), answeredAt,
                answeredAt == null ? createdAt.toEpochMilli() + 30_000 : answeredAt + durationMs, "CALLER_HANGUP",
                durationMs).update();
        searchIndex.add(callId, callerName, callerNumber);
        if (!recorded) {
            return new Stored(callId, null, null);
        }
        String recordingId = UUID.randomUUID().toString();
        String relative = store.relativePathFor(UUID.fromString(callId), createdAt.toEpochMilli());
        Path file = store.resolve(relative);
        Files.createDirectories(file.getParent());
        int samples = (int) (durationMs * 44_100 / 1000);
        short[] tone = new ToneGenerator(44_100, 440, 10_000).generate(0, samples);
        try (WavFileWriter writer = new WavFileWriter(file, 44_100, 1)) {
            writer.write(tone, 0, tone.length);
            writer.finish();
        }
        jdbc.sql("""
                INSERT INTO recordings (id, call_id, path, format, sample_rate, channels, status, duration_ms,
                                        size_bytes, sha256, repaired, created_at, finished_at)
                VALUES (?, ?, ?, 'WAV', 44100, 1, 'COMPLETE', ?, ?, ?, ?, ?, ?)
                """).params(recordingId, callId, relative, durationMs, Files.size(file), "0".repeat(64), false,
                createdAt.toEpochMilli(), createdAt.toEpochMilli()).update();
        return new Stored(callId, recordingId, file);
    }

    /**
     * As {@link #call}, finished as the recorder finishes a recording: its real SHA-256 and its
     * sidecar, so that with object storage the upload pass takes it (main file and sidecar) to the
     * bucket. The sidecar is written before the hash: an upload attempt in between is refused by
     * the bucket (the placeholder hash) and never stores a recording without its sidecar.
     */
    public Stored finishedRecording(Instant createdAt, long durationMs, JsonMapper json) throws Exception {
        Stored stored = call(createdAt, "ENDED", "Bucket caller", "+4420", "admin", durationMs, true);
        String relative = store.root().relativize(stored.file()).toString().replace('\\', '/');
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(stored.file())));
        long answeredAt = createdAt.toEpochMilli() + 2000;
        RecordingSidecar sidecar = new RecordingSidecar(RecordingSidecar.VERSION, stored.recordingId(), stored.callId(),
                relative, "Bucket caller", "+4420", "admin", createdAt.toEpochMilli(), answeredAt,
                answeredAt + durationMs, "CALLER_HANGUP", "WAV", 44_100, 1, durationMs, Files.size(stored.file()), sha,
                false, 1, false, createdAt.toEpochMilli());
        Files.write(RecordingSidecar.fileFor(stored.file()), json.writeValueAsBytes(sidecar));
        jdbc.sql("UPDATE recordings SET sha256 = ? WHERE id = ?").params(sha, stored.recordingId()).update();
        return stored;
    }
}
