package org.callvault.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

import org.callvault.recording.LegalHolds;
import org.callvault.recording.OggOpusReader;
import org.callvault.support.LibraryFixtures;
import org.callvault.support.TestUsers;
import org.callvault.user.Role;
import org.springframework.context.annotation.Import;
import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingStore;
import org.callvault.support.CallHarness;
import org.callvault.support.IntegrationTest;
import org.callvault.support.Recordings;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** callvault.recordings.format=opus: a real call recorded as stereo Ogg Opus, and the library serving it. */
@TestPropertySource(properties = { "callvault.recordings.format=opus", "callvault.recordings.channels=2" })
@Import({ LibraryFixtures.class, TestUsers.class })
class OpusRecordingIT extends IntegrationTest {

    @Autowired
    LibraryFixtures fixtures;

    @Autowired
    TestUsers testUsers;

    @Autowired
    LegalHolds holds;

    @Autowired
    JsonMapper json;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    RecordingStore store;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aCallIsRecordedAsOggOpusAndPlaysSeeksAndDownloadsAsWav() throws Exception {
        WebClientSession admin = signedInAdmin();
        String recordingId;
        try (CallHarness call = new CallHarness(port, admin)) {
            call.dial("Opus");
            call.answer();
            call.talk(440, 880);
            await().atMost(Duration.ofSeconds(10)).until(() -> call.agentMedia.framesReceived() >= 100);
            JsonNode ended = call.hangUpByCaller();
            var row = Recordings.awaitComplete(recordings, call.callId);
            recordingId = row.id();
            var file = store.resolve(row.path());
            assertThat(row.path()).endsWith(".opus");
            Map<String, Object> columns = jdbc.sql("SELECT format, codec, bitrate, size_bytes, sha256 FROM recordings"
                    + " WHERE id = :id").param("id", row.id()).query().singleRow();
            assertThat(columns.get("format").toString()).isEqualTo("OPUS");
            assertThat(columns.get("codec").toString()).isEqualTo("opus");
            assertThat(((Number) columns.get("bitrate")).intValue()).isEqualTo(30_000);
            assertThat(((Number) columns.get("size_bytes")).longValue()).isEqualTo(Files.size(file));
            assertThat(columns.get("sha256").toString()).hasSize(64);
            try (OggOpusReader reader = new OggOpusReader(file)) {
                assertThat(reader.channels()).isEqualTo(2);
                assertThat((double) reader.durationMillis()).as("the file lasts the answered time")
                        .isCloseTo(ended.path("durationMs").asLong(), within(20.0));
                assertThat((double) row.durationMs()).isCloseTo(ended.path("durationMs").asLong(), within(20.0));
            }

            String audio = "/api/recordings/" + recordingId + "/audio";
            var whole = admin.getBytes(audio, Map.of());
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.headers().firstValue("Content-Type")).hasValue("audio/ogg");
            assertThat(whole.body()).isEqualTo(Files.readAllBytes(file));
            var part = admin.getBytes(audio, Map.of("Range", "bytes=100-199"));
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.body()).hasSize(100);
            assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100-199/" + Files.size(file));

            var wav = admin.getBytes(audio + "?format=wav&download=true", Map.of());
            assertThat(wav.statusCode()).isEqualTo(200);
            assertThat(wav.headers().firstValue("Content-Type")).hasValue("audio/wav");
            assertThat(wav.headers().firstValue("Content-Disposition").orElseThrow()).contains(".wav");
            ByteBuffer header = ByteBuffer.wrap(wav.body()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(new String(wav.body(), 0, 4)).isEqualTo("RIFF");
            assertThat(header.getShort(22)).as("channels").isEqualTo((short) 2);
            assertThat(header.getInt(24)).as("rate").isEqualTo(48_000);
            long dataBytes = Integer.toUnsignedLong(header.getInt(40));
            assertThat(wav.body().length).isEqualTo(44 + dataBytes);
            assertThat(dataBytes / 4 * 1000.0 / 48_000).as("WAV length, ms")
                    .isCloseTo(ended.path("durationMs").asLong(), within(20.0));
            assertThat(admin.getBytes(audio + "?format=mp3", Map.of()).statusCode()).isEqualTo(400);

            var peaks = admin.get("/api/recordings/" + recordingId + "/peaks");
            assertThat(peaks.statusCode()).isEqualTo(200);
            assertThat(peaks.body()).contains("\"channels\":2");
        }
    }

    @Test
    void theConvertJobTurnsWavRecordingsIntoOggOpusKeepingIdsAndHolds() throws Exception {
        var wav = fixtures.call(Instant.parse("2026-01-05T10:00:00Z"), "ENDED", "Old", "+100", "admin", 3_000L, true);
        var held = fixtures.call(Instant.parse("2026-01-05T11:00:00Z"), "ENDED", "Held", "+101", "admin", 2_000L, true);
        holds.place(held.callId(), "Litigation", "admin", null);

        // Anonymous: a script with a wrong token is 401; a browser without a session fails CSRF first (403), as
        // on every POST of the API.
        WebClientSession anonymous = newSession();
        assertThat(anonymous.send(HttpRequest.newBuilder(URI.create(anonymous.baseUrl() + "/api/recordings/convert"))
                .header("Authorization", "Bearer cv_wrong").POST(HttpRequest.BodyPublishers.noBody()).build())
                .statusCode()).as("anonymous script").isEqualTo(401);
        assertThat(post(anonymous, "/api/recordings/convert").statusCode()).as("anonymous browser").isEqualTo(403);
        WebClientSession agent = newSession();
        agent.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        assertThat(post(agent, "/api/recordings/convert").statusCode()).as("an agent").isEqualTo(403);
        assertThat(agent.get("/api/recordings/convert").statusCode()).as("an agent reading the progress").isEqualTo(403);
        WebClientSession admin = signedInAdmin();
        var before = json.readTree(admin.get("/api/recordings/convert").body());
        assertThat(before.path("running").asBoolean()).isFalse();
        assertThat(before.path("waiting").asLong()).as("both WAV recordings wait").isGreaterThanOrEqualTo(2);
        var started = post(admin, "/api/recordings/convert");
        assertThat(started.statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> recordings.findById(wav.recordingId()).orElseThrow().path()
                .endsWith(".opus"));
        var row = recordings.findById(wav.recordingId()).orElseThrow();
        var ogg = store.resolve(row.path());
        assertThat(Files.exists(wav.file())).as("the WAV is gone once its Ogg was verified").isFalse();
        assertThat(row.sha256()).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(ogg))));
        assertThat(row.sizeBytes()).isEqualTo(Files.size(ogg));
        try (OggOpusReader reader = new OggOpusReader(ogg)) {
            assertThat(reader.durationMillis()).isEqualTo(3_000);
        }
        assertThat(recordings.findById(held.recordingId()).orElseThrow().path()).as("held: kept as it is").endsWith(".wav");
        assertThat(Files.exists(held.file())).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'RECORDING_CONVERTED' AND target = :id")
                .param("id", wav.recordingId()).query(Long.class).single() == 1);
        var played = admin.getBytes("/api/recordings/" + wav.recordingId() + "/audio", Map.of());
        assertThat(played.headers().firstValue("Content-Type")).hasValue("audio/ogg");
        await().atMost(Duration.ofSeconds(10)).until(() -> !json.readTree(admin.get("/api/recordings/convert").body())
                .path("running").asBoolean());
        var after = json.readTree(admin.get("/api/recordings/convert").body());
        assertThat(after.path("converted").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(after.path("skipped").asInt()).as("the held one at least").isGreaterThanOrEqualTo(1);
        assertThat(after.path("waiting").asLong()).as("what was skipped still waits, nothing else")
                .isEqualTo(after.path("skipped").asLong());
        assertThat(after.path("startedBy").asString()).isEqualTo("admin");
        assertThat(after.path("finishedAt").isNull()).isFalse();
    }

    private static HttpResponse<String> post(WebClientSession session, String path) {
        return session.send(HttpRequest.newBuilder(URI.create(session.baseUrl() + path))
                .header("X-CSRF-TOKEN", session.csrfToken() == null ? "" : session.csrfToken())
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }
}
