package org.callvault.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.callvault.support.DatabaseIndependent;
import org.callvault.support.CallHarness;
import org.callvault.support.EventSocketClient;
import org.callvault.support.ServerProcess;
import org.callvault.support.WavFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * A node asked to stop (SIGTERM) drains: readiness answers 503 at once (the balancer takes the
 * node out), a new dial is refused with {@code server_draining}, and the live call goes on, media
 * and all, until its caller hangs up; its recording is then complete and as long as the call, and
 * the process exits once no call is left, well before the drain timeout.
 */
@DatabaseIndependent
class DrainIT {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the server log
    Path dir;

    @Test
    void sigtermTurnsReadinessDownRefusesNewDialsAndLetsTheLiveCallFinishRecorded() throws Exception {
        String dbUrl = "jdbc:h2:file:" + dir.resolve("db/callvault") + ";AUTO_SERVER=TRUE";
        HttpClient http = HttpClient.newHttpClient();
        String callId;
        try (ServerProcess server = ServerProcess.start(dir, "--spring.datasource.url=" + dbUrl,
                "--callvault.shutdown.drain-timeout=60s")) {
            HttpRequest readiness = HttpRequest.newBuilder(
                    URI.create("http://localhost:" + server.port + "/actuator/health/readiness")).build();
            assertThat(http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
            try (CallHarness call = new CallHarness(server.port, server.signedInAdmin())) {
                callId = call.dial("Drain test");
                call.answer();
                call.talk(440, 880);
                await().atMost(Duration.ofSeconds(10)).until(() -> call.agentMedia.framesReceived() > 50
                        && call.callerMedia.framesReceived() > 50);

                long sigterm = System.nanoTime();
                server.process().destroy(); // SIGTERM
                await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                        .until(() -> http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 503);
                System.out.printf("DrainIT: readiness 503 %d ms after SIGTERM%n",
                        (System.nanoTime() - sigterm) / 1_000_000);

                EventSocketClient late = EventSocketClient.caller(server.port);
                late.sendJson("type", "dial", "callerName", "Too late");
                JsonNode refusal = late.awaitError("server_draining");
                assertThat(refusal.path("message").asString()).isNotBlank();
                late.close();

                // The live call goes on: two more seconds of audio reach both parties.
                long agentFrames = call.agentMedia.framesReceived();
                long callerFrames = call.callerMedia.framesReceived();
                await().atMost(Duration.ofSeconds(10)).until(() -> call.agentMedia.framesReceived() > agentFrames + 100
                        && call.callerMedia.framesReceived() > callerFrames + 100);
                assertThat(server.process().isAlive()).as("still serving its live call").isTrue();

                JsonNode ended = call.hangUpByCaller();
                assertThat(ended.path("endReason").asString()).isEqualTo("caller_hangup");
                assertThat(server.process().waitFor(10, TimeUnit.SECONDS)).as("exited once drained").isTrue();
                assertThat(server.process().exitValue()).isIn(0, 143);
            }

            try (Connection db = DriverManager.getConnection(dbUrl, "sa", "")) {
                PreparedStatement query = db.prepareStatement("""
                        SELECT c.state, c.end_reason, c.duration_ms, r.path, r.status, r.repaired,
                               r.duration_ms AS recording_duration, r.size_bytes
                        FROM calls c JOIN recordings r ON r.call_id = c.id WHERE c.id = ?
                        """);
                query.setString(1, callId);
                ResultSet row = query.executeQuery();
                assertThat(row.next()).as("the call's recording row").isTrue();
                assertThat(row.getString("state")).isEqualTo("ENDED");
                assertThat(row.getString("end_reason")).isEqualTo("CALLER_HANGUP");
                assertThat(row.getString("status")).isEqualTo("COMPLETE");
                assertThat(row.getBoolean("repaired")).as("finalized, not repaired").isFalse();
                WavFile wav = WavFile.read(server.recordings.resolve(row.getString("path")));
                assertThat(wav.declaredDataBytes()).as("header data size").isEqualTo(wav.fileBytes() - 44);
                assertThat(row.getLong("size_bytes")).isEqualTo(wav.fileBytes());
                assertThat((double) row.getLong("recording_duration")).isCloseTo(wav.durationMs(), within(1.0));
                assertThat((double) row.getLong("duration_ms")).isCloseTo(wav.durationMs(), within(100.0));
                // 1 s before SIGTERM and 2 s after at least: the drain's audio is in the file, not silence.
                assertThat(wav.durationMs()).isGreaterThan(3000);
                short[] samples = wav.channel(0);
                int lastSecond = wav.sampleRate();
                int peak = 0;
                for (int i = samples.length - lastSecond - wav.sampleRate() / 2; i < samples.length - wav.sampleRate() / 2; i++) {
                    peak = Math.max(peak, Math.abs(samples[i]));
                }
                assertThat(peak).as("peak of the second before the hang-up (tones, not silence)").isGreaterThan(1000);
            }
        }
    }
}
