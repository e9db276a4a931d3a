package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

import org.callvault.support.LibraryFixtures;
import org.callvault.support.S3IntegrationTest;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 19 point 3, the converted formats against object storage (a real S3 API server, S3Mock):
 * a WAV recording already in the bucket is converted to Ogg Opus there (the Ogg object verified,
 * the row, the sidecar object, then the WAV object gone) and plays by Range; a bucket that fails
 * between the conversion and the upload, or a row deleted meanwhile, leaves the WAV object and the
 * row as they were and no Ogg object. A recording still in the spool is converted there, then uploaded.
 */
@TestPropertySource(properties = "callvault.recordings.format=opus")
@Import(LibraryFixtures.class)
class S3ConversionIT extends S3IntegrationTest {

    @Autowired
    LibraryFixtures fixtures;
    @Autowired
    RecordingRepository recordings;
    @Autowired
    RecordingStore store;
    @Autowired
    BucketConversion inBucket;
    @Autowired
    RecordingConversion conversion;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JsonMapper json;

    /** A finished WAV recording, once the upload pass has stored it in the bucket and emptied the spool. */
    private RecordingRepository.StoredRecording uploaded(Instant at, long millis) throws Exception {
        LibraryFixtures.Stored stored = fixtures.finishedRecording(at, millis, json);
        var row = await().atMost(Duration.ofSeconds(30)).until(
                () -> recordings.findById(stored.recordingId()).orElseThrow(), r -> r.inObjectStorage());
        await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(stored.file()));
        return row;
    }

    private static String sidecarOf(String path) {
        return RecordingFormat.stem(path) + ".json";
    }

    private static void outage() throws IOException {
        try {
            s3.stop();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private Path conversionFolder() {
        return store.root().resolve(BucketConversion.FOLDER);
    }

    @Test
    void aWavRecordingInTheBucketIsConvertedThereAndPlaysByRange() throws Exception {
        var before = uploaded(Instant.parse("2026-02-03T10:00:00Z"), 3_000);
        byte[] wav = object(before.path());
        long wavMillis = (wav.length - WavHeader.SIZE) * 1000L / (44_100 * 2);
        assertThat(wavMillis).isEqualTo(3_000);

        WebClientSession admin = signedInAdmin();
        assertThat(admin.postForm("/api/recordings/convert", Map.of()).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> !json.readTree(admin.get("/api/recordings/convert").body())
                .path("running").asBoolean());

        var row = recordings.findById(before.id()).orElseThrow();
        assertThat(row.path()).isEqualTo(RecordingFormat.stem(before.path()) + ".opus");
        assertThat(row.inObjectStorage()).isTrue();
        assertThat(jdbc.sql("SELECT format FROM recordings WHERE id = :id").param("id", row.id()).query(String.class)
                .single()).isEqualTo("OPUS");
        byte[] ogg = object(row.path());
        assertThat(sha256(ogg)).isEqualTo(row.sha256());
        assertThat(row.sizeBytes()).isEqualTo(ogg.length);
        assertThatThrownBy(() -> object(before.path())).as("the WAV object").isInstanceOf(NoSuchKeyException.class);
        assertThat(new String(object(sidecarOf(row.path())))).contains(row.path()).contains(row.sha256())
                .contains("\"OPUS\"").doesNotContain(before.sha256());
        // Nothing of it left in the spool: neither the Ogg file nor the copies the conversion worked on.
        assertThat(store.resolve(row.path())).doesNotExist();
        assertThat(conversionFolder()).isEmptyDirectory();

        Path copy = Files.write(Files.createTempFile("converted", ".opus"), ogg);
        try (OggOpusReader reader = new OggOpusReader(copy)) {
            assertThat(reader.durationMillis()).isCloseTo(wavMillis, within(20L));
        }
        finally {
            Files.delete(copy);
        }
        var ranged = admin.getBytes("/api/recordings/" + row.id() + "/audio", Map.of("Range", "bytes=100-1099"));
        assertThat(ranged.statusCode()).isEqualTo(206);
        assertThat(ranged.headers().firstValue("Content-Range")).hasValue("bytes 100-1099/" + ogg.length);
        assertThat(ranged.headers().firstValue("Content-Type")).hasValue("audio/ogg");
        assertThat(ranged.body()).isEqualTo(Arrays.copyOfRange(ogg, 100, 1100));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'RECORDING_CONVERTED' AND target = :id")
                .param("id", row.id()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aBucketThatFailsBeforeTheUploadLeavesTheWavObjectAndTheRowAsTheyWere() throws Exception {
        var before = uploaded(Instant.parse("2026-02-04T10:00:00Z"), 2_000);
        byte[] sidecar = object(sidecarOf(before.path()));
        byte[] notOgg = { 1, 2, 3 };
        try {
            assertThatThrownBy(() -> inBucket.convert(before, RecordingFormat.OPUS, (wav, ogg) -> {
                assertThat(wav).startsWith(conversionFolder()); // the fetched copy, in the spool
                Files.write(ogg, notOgg);
                outage(); // the bucket goes away between the conversion and the upload
                return new BucketConversion.Converted(notOgg.length, sha256(notOgg), 1);
            })).isInstanceOf(IOException.class);
        }
        finally {
            s3.restart();
        }

        assertThat(recordings.findById(before.id())).hasValue(before);
        assertThat(sha256(object(before.path()))).isEqualTo(before.sha256());
        assertThat(object(sidecarOf(before.path()))).isEqualTo(sidecar);
        assertThatThrownBy(() -> object(RecordingFormat.stem(before.path()) + ".opus"))
                .isInstanceOf(NoSuchKeyException.class);
        assertThat(conversionFolder()).isEmptyDirectory();
    }

    @Test
    void aRecordingDeletedWhileItIsConvertedLeavesNoOggObject() throws Exception {
        var before = uploaded(Instant.parse("2026-02-05T10:00:00Z"), 1_000);
        byte[] notOgg = { 4, 5, 6 };

        var converted = inBucket.convert(before, RecordingFormat.OPUS, (wav, ogg) -> {
            Files.write(ogg, notOgg);
            // What a deletion does first; the conversion must then give up and take its object back.
            jdbc.sql("UPDATE recordings SET status = 'DELETING' WHERE id = :id").param("id", before.id()).update();
            return new BucketConversion.Converted(notOgg.length, sha256(notOgg), 1);
        });

        assertThat(converted).isNull();
        assertThatThrownBy(() -> object(RecordingFormat.stem(before.path()) + ".opus"))
                .isInstanceOf(NoSuchKeyException.class);
        assertThat(sha256(object(before.path()))).as("left to the deletion").isEqualTo(before.sha256());
        assertThat(recordings.findById(before.id()).orElseThrow().path()).isEqualTo(before.path());
        assertThat(conversionFolder()).isEmptyDirectory();
    }

    @Test
    void aRecordingStillInTheSpoolIsConvertedThereAndUploadedAfterwards() throws Exception {
        LibraryFixtures.Stored stored;
        try {
            outage(); // its upload fails: it stays in the spool
            stored = fixtures.finishedRecording(Instant.parse("2026-02-06T10:00:00Z"), 2_000, json);
            conversion.run("admin");
            var converted = recordings.findById(stored.recordingId()).orElseThrow();
            assertThat(converted.inObjectStorage()).isFalse();
            assertThat(converted.path()).endsWith(".opus");
            assertThat(store.resolve(converted.path())).exists();
            assertThat(stored.file()).doesNotExist();
        }
        finally {
            s3.restart();
        }

        var row = await().atMost(Duration.ofSeconds(30)).until(
                () -> recordings.findById(stored.recordingId()).orElseThrow(), r -> r.inObjectStorage());
        assertThat(row.path()).endsWith(".opus");
        assertThat(sha256(object(row.path()))).isEqualTo(row.sha256());
        assertThat(new String(object(sidecarOf(row.path())))).contains(row.path()).contains(row.sha256());
        await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(store.resolve(row.path())));
        assertThatThrownBy(() -> object(RecordingFormat.stem(row.path()) + ".wav")).isInstanceOf(NoSuchKeyException.class);
    }
}
