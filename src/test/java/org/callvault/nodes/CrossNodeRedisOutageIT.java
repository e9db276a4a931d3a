package org.callvault.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.callvault.support.CallHarness;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.Endpoint;
import org.callvault.support.EventSocketClient;
import org.callvault.support.MediaSocketClient;
import org.callvault.support.RedisServer;
import org.callvault.support.ServerProcess;
import org.callvault.support.TestDatabases;
import org.callvault.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Two nodes whose Redis dies (a redis-server of the test's own, killed) while a call rings at
 * consoles on both: the call's node goes on with its own consoles (local-only ringing), a console there
 * answers and the call is carried and ended as on one node; once Redis is back (empty), the nodes
 * find each other's consoles again by themselves and a new call rings across them.
 */
@DatabaseIndependent
class CrossNodeRedisOutageIT {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the servers' logs
    Path dir;

    @Test
    void ringingFallsBackToTheCallsNodeAndCrossesNodesAgainOnceRedisIsBack() throws Exception {
        String engine = "postgresql".equals(TestDatabases.forIntegrationTests()) ? "postgresql" : "mariadb";
        try (TestDatabase database = TestDatabases.create(engine); RedisServer redis = RedisServer.start()) {
            String[] shared = { "--spring.datasource.url=" + database.url(),
                    "--spring.datasource.username=" + database.username(),
                    "--spring.datasource.password=" + database.password(), "--callvault.redis.url=" + redis.url(),
                    "--callvault.redis.key-prefix=callvault:test-" + UUID.randomUUID() + ":",
                    "--callvault.calls.dials-per-minute=1000" };
            try (ServerProcess a = ServerProcess.start(Files.createDirectories(dir.resolve("a")), NodeAgents.with(shared, "--callvault.node.id=a"));
                    ServerProcess b = ServerProcess.start(Files.createDirectories(dir.resolve("b")), NodeAgents.with(shared, "--callvault.node.id=b"));
                    EventSocketClient consoleA = EventSocketClient.open(Endpoint.local(a.port), "agent", a.signedInAdmin());
                    EventSocketClient consoleB = EventSocketClient.open(Endpoint.local(b.port), "agent", b.signedInAdmin())) {
                // Node a's own console away: a call on node a rings only if node a knows node b's console.
                setAway(consoleA, true);
                AtomicReference<EventSocketClient> ringing = new AtomicReference<>();
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                        .until(() -> dialRings(a, ringing));
                EventSocketClient caller = ringing.get();
                String callId = caller.awaitType("leg").path("callId").asString();
                consoleB.awaitCallState(callId, "ringing");
                setAway(consoleA, false);
                consoleA.awaitCallState(callId, "ringing");

                redis.kill();

                // Node a carries on with its own console: answered, both hear each other, ended.
                consoleA.sendJson("type", "answer", "callId", callId);
                JsonNode agentMedia = consoleA.awaitType("media");
                JsonNode callerMedia = caller.awaitType("media");
                try (MediaSocketClient callerAudio = MediaSocketClient.open(Endpoint.local(a.port),
                        callerMedia.path("url").asString(), CallHarness.SAMPLES_PER_FRAME);
                        MediaSocketClient agentAudio = MediaSocketClient.open(Endpoint.local(a.port),
                                agentMedia.path("url").asString(), CallHarness.SAMPLES_PER_FRAME)) {
                    callerAudio.stream(CallHarness.tone(440), CallHarness.FRAME_MILLIS);
                    agentAudio.stream(CallHarness.tone(880), CallHarness.FRAME_MILLIS);
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> callerAudio.framesReceived() > 25 && agentAudio.framesReceived() > 25);
                    callerAudio.stopStreaming();
                    agentAudio.stopStreaming();
                    caller.sendJson("type", "hangup", "callId", callId);
                    assertThat(consoleA.awaitCallState(callId, "ended").at("/call/endReason").asString())
                            .isEqualTo("caller_hangup");
                }
                caller.close();

                // Redis back, empty: the nodes say hello and tell each other their consoles again.
                setAway(consoleA, true);
                redis.restart();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> dialRings(a, ringing));
                String afterId = ringing.get().awaitType("leg").path("callId").asString();
                consoleB.awaitCallState(afterId, "ringing");
                ringing.get().close();
            }
        }
    }

    /** A caller on {@code node} dials; true (the caller kept in {@code ringing}) if the call rings, false if it is missed. */
    private static boolean dialRings(ServerProcess node, AtomicReference<EventSocketClient> ringing) {
        EventSocketClient caller = EventSocketClient.open(Endpoint.local(node.port), "caller", null);
        caller.sendJson("type", "dial", "callerName", "Outage " + UUID.randomUUID().toString().substring(0, 4));
        JsonNode call = caller.awaitMessage(m -> "call".equals(m.path("type").asString())
                || "error".equals(m.path("type").asString()));
        if ("ringing".equals(call.at("/call/state").asString())) {
            ringing.set(caller);
            return true;
        }
        caller.close();
        return false;
    }

    static void setAway(EventSocketClient console, boolean away) {
        console.clear();
        console.sendJson("type", "availability", "status", away ? "away" : "available");
        console.awaitMessage(m -> "availability".equals(m.path("type").asString()));
    }
}
