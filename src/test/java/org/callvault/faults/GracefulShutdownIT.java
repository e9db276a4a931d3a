package org.callvault.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.callvault.support.CallHarness;
import org.callvault.support.EventSocketClient;
import org.callvault.support.MediaSocketClient;
import org.callvault.support.ServerProcess;
import org.callvault.support.WavFile;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * SIGTERM (a container stop) with live, talking calls: both parties of each call get the final
 * {@code call} event with {@code server_shutdown}, every socket is closed with 1001, the
 * recordings are finalized with their rows, and the process is gone within 5 s.
 */
class GracefulShutdownIT {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the server log
    Path dir;

    @Test
    void sigtermEndsLiveCallsTellsBothPartiesClosesWith1001AndExitsWithinFiveSeconds() throws Exception {
        String ringingCallId;
        String dbUrl = "jdbc:h2:file:" + dir.resolve("db/callvault") + ";AUTO_SERVER=TRUE";
        try (ServerProcess server = ServerProcess.start(dir, "--spring.datasource.url=" + dbUrl,
                // no drain: this test is the end of the calls that a drain leaves (DrainIT drains)
                "--callvault.shutdown.drain-timeout=0s")) {
            WebClientSession admin = server.signedInAdmin();
            try (CallHarness first = new CallHarness(server.port, admin);
                    CallHarness second = new CallHarness(server.port, admin)) {
                List<CallHarness> calls = List.of(first, second);
                for (CallHarness call : calls) {
                    call.dial("Shutdown test");
                    call.answer();
                    call.talk(440, 880); // still streaming when the server stops, as a live browser is
                }
                // A third console, free, so the third call rings (both others are busy on their calls).
                EventSocketClient idleConsole = EventSocketClient.agent(server.port, admin);
                EventSocketClient ringing = EventSocketClient.caller(server.port);
                ringing.sendJson("type", "dial", "callerName", "Still ringing");
                String ringingId = ringing.awaitType("leg").path("callId").asString();
                await().atMost(Duration.ofSeconds(10)).until(() -> calls.stream().allMatch(
                        c -> c.agentMedia.framesReceived() > 50 && c.callerMedia.framesReceived() > 50));

                long start = System.nanoTime();
                server.process().destroy(); // SIGTERM
                boolean exited = server.process().waitFor(10, TimeUnit.SECONDS);
                long exitMs = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("GracefulShutdownIT: SIGTERM to exit %d ms%n", exitMs);
                assertThat(exited).as("the server exited within 10 s").isTrue();
                assertThat(exitMs).as("ms from SIGTERM to exit").isLessThan(5000);
                // Spring Boot exits 143 on SIGTERM (128 + 15) or 0; never a crash.
                assertThat(server.process().exitValue()).isIn(0, 143);

                JsonNode failed = ringing.awaitCallState(ringingId, "failed").path("call");
                assertThat(failed.path("endReason").asString()).isEqualTo("server_shutdown");
                await().atMost(Duration.ofSeconds(2)).until(ringing::isClosed);
                assertThat(ringing.closeCode()).as("ringing caller's event socket close code").isEqualTo(1001);
                ringingCallId = ringingId;

                for (CallHarness call : calls) {
                    for (EventSocketClient party : List.of(call.caller, call.agent)) {
                        JsonNode ended = party.awaitCallState(call.callId, "ended").path("call");
                        assertThat(ended.path("endReason").asString()).isEqualTo("server_shutdown");
                        await().atMost(Duration.ofSeconds(2)).until(party::isClosed);
                        assertThat(party.closeCode()).as("event socket close code").isEqualTo(1001);
                    }
                    for (MediaSocketClient media : List.of(call.callerMedia, call.agentMedia)) {
                        await().atMost(Duration.ofSeconds(2)).until(media::isClosed);
                        assertThat(media.closeCode()).as("media socket close code").isEqualTo(1001);
                    }
                }
            }

            try (Connection db = DriverManager.getConnection(dbUrl, "sa", "")) {
                PreparedStatement ringingRow = db.prepareStatement("SELECT state, end_reason FROM calls WHERE id = ?");
                ringingRow.setString(1, ringingCallId);
                ResultSet ringingResult = ringingRow.executeQuery();
                assertThat(ringingResult.next()).isTrue();
                assertThat(ringingResult.getString("state")).isEqualTo("FAILED");
                assertThat(ringingResult.getString("end_reason")).isEqualTo("SERVER_SHUTDOWN");

                PreparedStatement query = db.prepareStatement("""
                        SELECT c.id, c.state, c.end_reason, c.duration_ms, r.path, r.status, r.repaired,
                               r.duration_ms AS recording_duration, r.size_bytes
                        FROM calls c JOIN recordings r ON r.call_id = c.id
                        """);
                ResultSet rows = query.executeQuery();
                int count = 0;
                while (rows.next()) {
                    count++;
                    WavFile wav = WavFile.read(server.recordings.resolve(rows.getString("path")));
                    assertThat(wav.declaredDataBytes()).as("header data size").isEqualTo(wav.fileBytes() - 44);
                    assertThat(wav.durationMs()).isGreaterThan(1000);
                    assertThat(rows.getString("state")).isEqualTo("ENDED");
                    assertThat(rows.getString("end_reason")).isEqualTo("SERVER_SHUTDOWN");
                    assertThat(rows.getString("status")).isEqualTo("COMPLETE");
                    assertThat(rows.getBoolean("repaired")).as("finalized, not repaired").isFalse();
                    assertThat(rows.getLong("size_bytes")).isEqualTo(wav.fileBytes());
                    assertThat((double) rows.getLong("recording_duration")).isCloseTo(wav.durationMs(), within(1.0));
                    assertThat((double) rows.getLong("duration_ms")).isCloseTo(wav.durationMs(), within(100.0));
                }
                assertThat(count).as("recorded calls").isEqualTo(2);
            }
        }
    }
}
