package org.callvault.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.callvault.support.CallHarness;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.S3MockServer;
import org.callvault.support.ServerProcess;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Issue 19 point 3 on the real server jar and a real S3 API server (S3Mock): a recorded call lands
 * in the bucket verified and leaves the spool; it plays with Range and draws its waveform from the
 * bucket; deletion removes the objects; an outage at finalize keeps the spool copy until the bucket
 * is back; a recording repaired after kill -9 is uploaded afterwards.
 */
@DatabaseIndependent
class S3RecordingIT {

    private static final String PREFIX = "cv/";

    /** Kept when a test fails: the server's and S3Mock's logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private S3MockServer s3;
    private S3Client bucket;
    private ServerProcess server;
    private String dbUrl;

    @BeforeEach
    void start() throws IOException {
        s3 = S3MockServer.start(dir);
        bucket = s3.client();
        dbUrl = "jdbc:h2:file:" + dir.resolve("db/callvault") + ";AUTO_SERVER=TRUE";
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
        bucket.close();
        s3.close();
    }

    private ServerProcess startServer() throws IOException {
        List<String> arguments = new ArrayList<>(s3.serverArguments(PREFIX));
        arguments.add("--spring.datasource.url=" + dbUrl);
        arguments.add("--callvault.storage.s3.retry-every=1s");
        return ServerProcess.start(dir, arguments.toArray(String[]::new));
    }

    record Row(String id, String path, String sha256, long size, String storage, String status, boolean repaired) {
    }

    private Row row(String callId) throws SQLException {
        try (Connection db = DriverManager.getConnection(dbUrl, "sa", "");
                PreparedStatement query = db.prepareStatement("SELECT id, path, sha256, size_bytes, storage, status, "
                        + "repaired FROM recordings WHERE call_id = ?")) {
            query.setString(1, callId);
            ResultSet rs = query.executeQuery();
            return rs.next() ? new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                    rs.getString(5), rs.getString(6), rs.getBoolean(7)) : null;
        }
    }

    private byte[] object(String key) throws IOException {
        try (InputStream in = bucket.getObject(b -> b.bucket(S3MockServer.BUCKET).key(PREFIX + key))) {
            return in.readAllBytes();
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String sidecarOf(String path) {
        return path.substring(0, path.length() - ".wav".length()) + ".json";
    }

    /** A call of about two seconds of audio, hung up by the caller; returns its id. */
    private String recordedCall(WebClientSession admin) {
        try (CallHarness call = new CallHarness(server.port, admin)) {
            String callId = call.dial("S3 test");
            call.answer();
            call.talk(440, 880);
            await().atMost(Duration.ofSeconds(20)).until(() -> server.findWav(callId),
                    f -> f != null && f.toFile().length() > 44 + 2 * 44_100 * 2);
            call.hangUpByCaller();
            return callId;
        }
    }

    @Test
    void aRecordingIsUploadedVerifiedPlayedByRangeAndDeletedFromTheBucket() throws Exception {
        server = startServer();
        WebClientSession admin = server.signedInAdmin();
        String callId = recordedCall(admin);

        Row row = await().atMost(Duration.ofSeconds(30)).until(() -> row(callId),
                r -> r != null && "S3".equals(r.storage()));
        assertThat(row.status()).isEqualTo("COMPLETE");
        byte[] stored = object(row.path());
        assertThat((long) stored.length).isEqualTo(row.size());
        assertThat(sha256(stored)).isEqualTo(row.sha256());
        assertThat(new String(object(sidecarOf(row.path())))).contains(row.id()).contains(row.sha256());
        // Gone from the spool once verified: the main file and its sidecar.
        assertThat(server.findWav(callId)).isNull();
        assertThat(server.recordings.resolve(sidecarOf(row.path()))).doesNotExist();

        var ranged = admin.getBytes("/api/recordings/" + row.id() + "/audio", Map.of("Range", "bytes=1000-4999"));
        assertThat(ranged.statusCode()).isEqualTo(206);
        assertThat(ranged.headers().firstValue("Content-Range")).hasValue("bytes 1000-4999/" + row.size());
        assertThat(ranged.body()).isEqualTo(Arrays.copyOfRange(stored, 1000, 5000));
        assertThat(ranged.headers().firstValue("Cache-Control")).hasValue("private, no-store");
        var whole = admin.getBytes("/api/recordings/" + row.id() + "/audio?download=true", Map.of());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(stored);
        assertThat(whole.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment");
        var pastTheEnd = admin.getBytes("/api/recordings/" + row.id() + "/audio",
                Map.of("Range", "bytes=" + row.size() + "-"));
        assertThat(pastTheEnd.statusCode()).isEqualTo(416);
        assertThat(pastTheEnd.headers().firstValue("Content-Range")).hasValue("bytes */" + row.size());
        // Hostile or odd ranges: a malformed one is refused, several at once are answered whole.
        assertThat(admin.getBytes("/api/recordings/" + row.id() + "/audio", Map.of("Range", "bytes=abc"))
                .statusCode()).isEqualTo(416);
        var several = admin.getBytes("/api/recordings/" + row.id() + "/audio", Map.of("Range", "bytes=0-9,20-29"));
        assertThat(several.statusCode()).isEqualTo(200);
        assertThat(several.body()).isEqualTo(stored);
        var peaks = admin.get("/api/recordings/" + row.id() + "/peaks");
        assertThat(peaks.statusCode()).isEqualTo(200);
        assertThat(peaks.body()).contains("\"buckets\":1200").contains("\"channels\":1");
        // Who listened is audited as for a local file.
        assertThat(admin.get("/api/calls/" + callId + "/access").body()).contains("RECORDING_PLAYED");

        var deleted = admin.send(HttpRequest.newBuilder(URI.create(admin.baseUrl() + "/api/recordings/" + row.id()))
                .header("X-CSRF-TOKEN", admin.csrfToken() == null ? "" : admin.csrfToken())
                .DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> object(row.path())).isInstanceOf(NoSuchKeyException.class);
        assertThatThrownBy(() -> object(sidecarOf(row.path()))).isInstanceOf(NoSuchKeyException.class);
        assertThat(row(callId)).isNull();
    }

    @Test
    void aRecordingFinishedWhileTheBucketIsDownKeepsItsSpoolCopyAndUploadsWhenItIsBack() throws Exception {
        server = startServer();
        WebClientSession admin = server.signedInAdmin();
        s3.stop();

        String callId = recordedCall(admin);
        await().atMost(Duration.ofSeconds(20)).until(() -> row(callId), r -> r != null && "COMPLETE".equals(r.status()));
        Path spool = server.findWav(callId);
        // Several retry passes (one a second) fail; the spool copy stays, and the node stays ready.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> Files.isRegularFile(spool) && "LOCAL".equals(row(callId).storage()));
        assertThat(admin.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(admin.get("/actuator/health").body()).contains("recordingStorage");
        // Played from the spool meanwhile, as a local recording.
        Row local = row(callId);
        assertThat(admin.getBytes("/api/recordings/" + local.id() + "/audio", Map.of("Range", "bytes=0-99"))
                .statusCode()).isEqualTo(206);

        s3.restart();
        Row row = await().atMost(Duration.ofSeconds(30)).until(() -> row(callId),
                r -> "S3".equals(r.storage()));
        assertThat(sha256(object(row.path()))).isEqualTo(row.sha256());
        await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(spool));
    }

    @Test
    void aRecordingRepairedAfterKillDashNineIsUploadedAfterwards() throws Exception {
        server = startServer();
        WebClientSession admin = server.signedInAdmin();
        String callId;
        try (CallHarness call = new CallHarness(server.port, admin)) {
            callId = call.dial("S3 crash test");
            call.answer();
            call.talk(440, 880);
            await().atMost(Duration.ofSeconds(20)).until(() -> server.findWav(callId),
                    f -> f != null && f.toFile().length() > 44 + 2 * 44_100 * 2);
            server.process().destroyForcibly().waitFor(); // SIGKILL mid-call: the file stays open in the spool
        }
        assertThat(row(callId).status()).isEqualTo("RECORDING");

        server = startServer();
        Row row = await().atMost(Duration.ofSeconds(30)).until(() -> row(callId),
                r -> "S3".equals(r.storage()));
        assertThat(row.repaired()).isTrue();
        byte[] stored = object(row.path());
        assertThat(sha256(stored)).isEqualTo(row.sha256());
        assertThat((long) stored.length).isEqualTo(row.size()).isGreaterThan(44 + 2 * 44_100 * 2);
        assertThat(server.findWav(callId)).isNull();
    }
}
