package org.callvault.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.callvault.call.CallSearchIndex;
import org.callvault.recording.RecordingObjects;
import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingSidecar;
import org.callvault.recording.RecordingStore;
import org.callvault.support.LibraryFixtures;
import org.callvault.support.S3IntegrationTest;
import org.callvault.support.S3MockServer;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.jdbc.core.simple.JdbcClient;

import software.amazon.awssdk.core.sync.RequestBody;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code --callvault.tools.rebuild-library=true} with object storage (S3Mock): rows lost from the
 * database come back from the sidecar objects in the bucket, marked as in object storage, and play
 * from there; a sidecar object that is not JSON, names a file it does not sit beside, or names a
 * missing object is reported and skipped without stopping the others.
 */
@Import(LibraryFixtures.class)
class S3LibraryRebuildIT extends S3IntegrationTest {

    @Autowired
    LibraryFixtures fixtures;
    @Autowired
    RecordingRepository recordings;
    @Autowired
    RecordingObjects objects;
    @Autowired
    RecordingStore store;
    @Autowired
    CallSearchIndex searchIndex;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JsonMapper json;

    private void putObject(String key, byte[] bytes) {
        bucket.putObject(b -> b.bucket(S3MockServer.BUCKET).key(PREFIX + key), RequestBody.fromBytes(bytes));
    }

    private byte[] sidecarNaming(String path) {
        String id = UUID.randomUUID().toString();
        return json.writeValueAsBytes(new RecordingSidecar(RecordingSidecar.VERSION, id, id, path, "Eve", "+1", "admin",
                1L, 2L, 3L, "CALLER_HANGUP", "WAV", 8_000, 1, 1, 44, "0".repeat(64), false, 1, false, 4L));
    }

    private LibraryRebuild rebuild() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("rebuild",
                Map.of("callvault.tools.rebuild-library", "true")));
        return new LibraryRebuild(jdbc, searchIndex, store, objects, json, environment);
    }

    private Map<String, Object> row(String id) {
        return jdbc.sql("SELECT path, format, sha256, size_bytes, storage, status, call_id FROM recordings WHERE id = :id")
                .param("id", id).query().singleRow();
    }

    private long rows() {
        return jdbc.sql("SELECT COUNT(*) FROM recordings").query(Long.class).single();
    }

    @Test
    void rowsLostFromTheDatabaseComeBackFromTheBucketsSidecars() throws Exception {
        LibraryFixtures.Stored stored = fixtures.finishedRecording(Instant.parse("2026-03-01T09:00:00Z"), 1_500, json);
        await().atMost(Duration.ofSeconds(30)).until(() -> recordings.findById(stored.recordingId()).orElseThrow()
                .inObjectStorage());
        await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(stored.file()));
        Map<String, Object> before = row(stored.recordingId());
        // Bad sidecar objects beside it: each is reported, none stops the rebuild.
        putObject("2026/03/01/not-json.json", "{ not json".getBytes());
        String elsewhere = UUID.randomUUID().toString();
        putObject("2026/03/01/" + elsewhere + ".json", sidecarNaming("2026/03/02/" + elsewhere + ".wav"));
        String missing = UUID.randomUUID().toString();
        putObject("2026/03/01/" + missing + ".json", sidecarNaming("2026/03/01/" + missing + ".wav"));
        String escaping = UUID.randomUUID().toString();
        putObject("2026/03/01/" + escaping + ".json", sidecarNaming("../../../etc/" + escaping + ".wav"));

        long others = rows() - 1;
        jdbc.sql("DELETE FROM recordings WHERE id = :id").param("id", stored.recordingId()).update();
        jdbc.sql("DELETE FROM call_search_terms WHERE call_id = :id").param("id", stored.callId()).update();
        jdbc.sql("DELETE FROM calls WHERE id = :id").param("id", stored.callId()).update();
        assertThat(store.resolve(before.get("path").toString())).as("in the bucket only").doesNotExist();

        rebuild().afterSingletonsInstantiated();

        assertThat(row(stored.recordingId())).isEqualTo(before);
        assertThat(before.get("storage")).isEqualTo("S3");
        assertThat(rows()).as("only the good sidecar made a row").isEqualTo(others + 1);
        assertThat(jdbc.sql("SELECT caller_name FROM calls WHERE id = :id").param("id", stored.callId())
                .query(String.class).single()).isEqualTo("Bucket caller");
        rebuild().afterSingletonsInstantiated();
        assertThat(rows()).as("a second run changes nothing").isEqualTo(others + 1);

        WebClientSession admin = signedInAdmin();
        var ranged = admin.getBytes("/api/recordings/" + stored.recordingId() + "/audio", Map.of("Range", "bytes=0-99"));
        assertThat(ranged.statusCode()).isEqualTo(206);
        assertThat(ranged.headers().firstValue("Content-Range")).hasValue("bytes 0-99/" + before.get("size_bytes"));
    }
}
