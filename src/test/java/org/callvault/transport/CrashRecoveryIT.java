package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.callvault.media.ToneDetector;
import org.callvault.support.CallHarness;
import org.callvault.support.WavFile;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server jar, killed with SIGKILL in the middle of a recorded call, then started again:
 * the open WAV file is repaired, keeps the audio that reached the disk, and the call is closed.
 */
class CrashRecoveryIT {

    private static final String ADMIN_PASSWORD = "crash-test-owner-pw";

    @TempDir
    Path dir;

    private Process server;

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroyForcibly().waitFor();
        }
    }

    @Test
    void killDashNineMidCallLosesNothingThatReachedTheDisk() throws Exception {
        int port = freePort();
        String dbUrl = "jdbc:h2:file:" + dir.resolve("db/callvault") + ";AUTO_SERVER=TRUE";
        Path recordings = dir.resolve("recordings");
        server = start(port, dbUrl, recordings);

        String callId;
        WebClientSession admin = new WebClientSession(port);
        admin.signIn("admin", ADMIN_PASSWORD);
        Path file;
        long answeredNanos;
        long killedNanos;
        try (CallHarness call = new CallHarness(port, admin)) {
            callId = call.dial("Crash test");
            answeredNanos = System.nanoTime(); // no later than the server answers
            call.answer();
            call.talk(440, 880);
            file = await().atMost(Duration.ofSeconds(20)).until(() -> findWav(recordings, callId),
                    f -> f != null && f.toFile().length() > 44 + 2 * 44_100 * 2);
            killedNanos = System.nanoTime();
            server.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no header patch
        }
        long bytesOnDisk = Files.size(file);

        server = start(port, dbUrl, recordings);
        WavFile wav = WavFile.read(file);
        assertThat(wav.declaredDataBytes()).isEqualTo(wav.fileBytes() - 44);
        assertThat(wav.fileBytes()).isBetween(bytesOnDisk - 1, bytesOnDisk);
        assertThat(wav.durationMs()).isGreaterThan(2000);
        // The call lasted until the kill; what the file lacks of it is what the crash lost.
        double lostMs = (killedNanos - answeredNanos) / 1e6 - wav.durationMs();
        assertThat(lostMs).as("audio lost at the end of the file").isLessThan(1000);
        int middle = (int) (wav.frames() / 4);
        int length = (int) (wav.frames() / 2);
        assertThat(ToneDetector.relativePower(wav.samples(), middle, length, 440, 44_100)).isGreaterThan(0.3);
        assertThat(ToneDetector.relativePower(wav.samples(), middle, length, 880, 44_100)).isGreaterThan(0.3);

        try (Connection db = DriverManager.getConnection(dbUrl, "sa", "")) {
            ResultSet recording = db.createStatement().executeQuery(
                    "SELECT status, repaired, size_bytes, duration_ms FROM recordings WHERE call_id = '" + callId + "'");
            assertThat(recording.next()).isTrue();
            assertThat(recording.getString("status")).isEqualTo("COMPLETE");
            assertThat(recording.getBoolean("repaired")).isTrue();
            assertThat(recording.getLong("size_bytes")).isEqualTo(wav.fileBytes());
            assertThat((double) recording.getLong("duration_ms")).isCloseTo(wav.durationMs(),
                    org.assertj.core.api.Assertions.within(1.0));
            ResultSet call = db.createStatement().executeQuery(
                    "SELECT state, end_reason, duration_ms, answered_at, ended_at FROM calls WHERE id = '" + callId + "'");
            assertThat(call.next()).isTrue();
            assertThat(call.getString("state")).isEqualTo("ENDED");
            assertThat(call.getString("end_reason")).isEqualTo("SERVER_RESTART");
            // The restart took seconds; they are not talk time: the call is as long as its audio.
            assertThat(call.getLong("duration_ms")).isEqualTo(recording.getLong("duration_ms"));
            assertThat(call.getLong("ended_at") - call.getLong("answered_at")).isEqualTo(call.getLong("duration_ms"));
        }
    }

    private Process start(int port, String dbUrl, Path recordings) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", serverJar().toAbsolutePath().toString(), "--server.port=" + port,
                "--spring.datasource.url=" + dbUrl, "--callvault.recordings.dir=" + recordings,
                "--callvault.admin.password=" + ADMIN_PASSWORD));
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("server-" + System.nanoTime() + ".log").toFile())
                .start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        return process;
    }

    private static Path serverJar() throws IOException {
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("callvault-.*\\.jar")
                    && !p.getFileName().toString().endsWith("-plain.jar") && !p.toString().endsWith(".original"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("Build the jar first (mvn package)"));
        }
    }

    private static Path findWav(Path recordings, String callId) throws IOException {
        if (!Files.isDirectory(recordings)) {
            return null;
        }
        try (var files = Files.walk(recordings)) {
            return files.filter(p -> p.getFileName().toString().equals(callId + ".wav")).findFirst().orElse(null);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
