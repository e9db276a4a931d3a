package org.callvault.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.callvault.support.CallHarness;
import org.callvault.support.EventSocketClient;
import org.callvault.support.ScratchMariaDb;
import org.callvault.support.ServerProcess;
import org.callvault.support.WavFile;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The database dies (SIGKILL) under two recorded calls and comes back, while the real server runs
 * on: hang-ups reach the other party at once, a dial is refused at once with {@code unavailable},
 * and when the database returns every row is brought up to date without restarting the server.
 * The database is a MariaDB of the test's own, never the shared one.
 */
class DatabaseOutageIT {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the server log
    Path dir;

    @Test
    void callsGoOnAndEndOnTimeThroughADatabaseOutageAndTheirRowsCatchUpWhenItReturns() throws Exception {
        try (ScratchMariaDb database = ScratchMariaDb.create(dir.resolve("mariadb"));
                ServerProcess server = ServerProcess.start(dir, "--spring.datasource.url=" + database.url(),
                        "--spring.datasource.username=root", "--spring.datasource.password=")) {
            WebClientSession admin = server.signedInAdmin();
            try (CallHarness first = new CallHarness(server.port, admin);
                    CallHarness second = new CallHarness(server.port, admin)) {
                for (CallHarness call : new CallHarness[] { first, second }) {
                    call.dial("Outage test");
                    call.answer();
                    call.talk(440, 880);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> first.agentMedia.framesReceived() > 50
                        && second.agentMedia.framesReceived() > 50);

                database.kill();

                // Before anyone knows the database is gone: the caller's hang-up must not wait on the pool.
                long firstHangup = timeToEnded(first, first.caller, first.agent);
                assertThat(firstHangup).as("ms from the caller's hangup to the agent's 'ended'").isLessThan(2000);

                WebClientSession anonymous = new WebClientSession(server.port);
                await().atMost(Duration.ofSeconds(10)).until(() -> anonymous.get("/actuator/health").statusCode() == 503);
                JsonNode health = new ObjectMapper().readTree(admin.get("/actuator/health").body());
                assertThat(health.at("/components/db/status").asString()).isEqualTo("DOWN");

                // While it is known to be down: the agent hangs up, and a new dial is refused at once.
                long secondHangup = timeToEnded(second, second.agent, second.caller);
                assertThat(secondHangup).as("ms from the agent's hangup to the caller's 'ended'").isLessThan(2000);
                try (EventSocketClient caller = EventSocketClient.caller(server.port)) {
                    long start = System.nanoTime();
                    caller.sendJson("type", "dial", "callerName", "During the outage");
                    JsonNode refused = caller.awaitError("unavailable");
                    long refusedMs = (System.nanoTime() - start) / 1_000_000;
                    System.out.printf("DatabaseOutageIT: hangups to 'ended' %d ms (outage not yet known), %d ms (known);"
                            + " dial refused in %d ms%n", firstHangup, secondHangup, refusedMs);
                    assertThat(refusedMs).as("ms until the dial was refused").isLessThan(1000);
                    assertThat(refused.path("ref").asString()).isEqualTo("dial");
                    assertThat(caller.messages()).noneMatch(m -> "leg".equals(m.path("type").asString()));
                }

                Map<String, Path> files = new HashMap<>();
                for (CallHarness call : new CallHarness[] { first, second }) {
                    files.put(call.callId, await().atMost(Duration.ofSeconds(10))
                            .until(() -> server.findWav(call.callId), f -> f != null));
                }

                database.start(); // same data folder and port; the server is not restarted
                await().atMost(Duration.ofSeconds(20)).until(() -> anonymous.get("/actuator/health").statusCode() == 200);

                for (CallHarness call : new CallHarness[] { first, second }) {
                    WavFile wav = WavFile.read(files.get(call.callId));
                    assertThat(wav.declaredDataBytes()).isEqualTo(wav.fileBytes() - 44);
                    assertThat(wav.durationMs()).isGreaterThan(1000);
                    Map<String, Object> row = await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(
                            () -> rows(database, call.callId), r -> "COMPLETE".equals(r.get("recording_status")));
                    assertThat(row.get("call_state")).isEqualTo("ENDED");
                    assertThat(row.get("end_reason")).isEqualTo(call == first ? "CALLER_HANGUP" : "AGENT_HANGUP");
                    assertThat(((Number) row.get("call_duration")).doubleValue()).isCloseTo(wav.durationMs(), within(100.0));
                    assertThat(((Number) row.get("recording_duration")).doubleValue())
                            .isCloseTo(wav.durationMs(), within(100.0));
                    assertThat(((Number) row.get("size_bytes")).longValue()).isEqualTo(wav.fileBytes());
                }
                // The server takes calls again, still without a restart.
                try (CallHarness after = new CallHarness(server.port, admin)) {
                    after.dial("After the outage");
                }
            }
        }
    }

    /** Hangs the call up from {@code who}; returns the ms until the other party hears that it ended. */
    private static long timeToEnded(CallHarness call, EventSocketClient who, EventSocketClient otherParty) {
        call.callerMedia.stopStreaming();
        call.agentMedia.stopStreaming();
        long start = System.nanoTime();
        who.sendJson("type", "hangup", "callId", call.callId);
        otherParty.awaitCallState(call.callId, "ended");
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static Map<String, Object> rows(ScratchMariaDb database, String callId) throws SQLException {
        try (Connection db = database.connect(); PreparedStatement query = db.prepareStatement("""
                SELECT c.state, c.end_reason, c.duration_ms, r.status, r.duration_ms AS recording_duration, r.size_bytes
                FROM calls c LEFT JOIN recordings r ON r.call_id = c.id WHERE c.id = ?
                """)) {
            query.setString(1, callId);
            ResultSet rs = query.executeQuery();
            Map<String, Object> row = new HashMap<>();
            if (rs.next()) {
                row.put("call_state", rs.getString(1));
                row.put("end_reason", rs.getString(2));
                row.put("call_duration", rs.getLong(3));
                row.put("recording_status", rs.getString(4));
                row.put("recording_duration", rs.getLong(5));
                row.put("size_bytes", rs.getLong(6));
            }
            return row;
        }
    }
}
