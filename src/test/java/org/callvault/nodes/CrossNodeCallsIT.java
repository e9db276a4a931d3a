package org.callvault.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import org.callvault.media.ToneDetector;
import org.callvault.support.CallHarness;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.Endpoint;
import org.callvault.support.EventSocketClient;
import org.callvault.support.HaProxy;
import org.callvault.support.MediaSocketClient;
import org.callvault.support.ServerProcess;
import org.callvault.support.TestDatabases.TestDatabase;
import org.callvault.support.WavFile;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Issue 19 point 2: live calls whose parties sit on different nodes. Two real server processes
 * ({@code a} and {@code b}) share one MariaDB (or PostgreSQL) database and the Redis at
 * 127.0.0.1:6379 under a key prefix of this test's own; a real HAProxy routes each media socket to
 * the node its token names. The caller's sockets are on node a; agent consoles on both nodes.
 */
@DatabaseIndependent
class CrossNodeCallsIT {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the servers' logs
    static Path dir;

    static CallNodes nodes;
    static TestDatabase database;
    static ServerProcess a;
    static ServerProcess b;
    static HaProxy proxy;
    static String prefix;

    @BeforeAll
    static void startTwoNodesAndTheBalancer() throws Exception {
        // A dial that comes before node a has heard of node b's console rings until it has.
        nodes = CallNodes.start(dir, "--callvault.calls.when-nobody-available=wait");
        database = nodes.database;
        a = nodes.a();
        b = nodes.b();
        proxy = nodes.proxy;
        prefix = nodes.prefix;
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void callerOnNodeAAgentOnNodeBAnswersTalksAndHangsUp() throws Exception {
        Endpoint nodeA = Endpoint.local(a.port);
        Endpoint nodeB = Endpoint.local(b.port);
        try (EventSocketClient consoleA = EventSocketClient.open(nodeA, "agent", a.signedInAdmin());
                EventSocketClient consoleB = EventSocketClient.open(nodeB, "agent", b.signedInAdmin());
                EventSocketClient otherConsoleB = EventSocketClient.open(nodeB, "agent", b.signedInAdmin());
                EventSocketClient caller = EventSocketClient.open(nodeA, "caller", null)) {
            caller.sendJson("type", "dial", "callerName", "Across nodes", "callerNumber", "+44 20 7946 0000");
            String callId = caller.awaitType("leg").path("callId").asString();

            // Every console rings, on the caller's node and on the other.
            for (EventSocketClient console : new EventSocketClient[] { consoleA, consoleB, otherConsoleB }) {
                console.awaitCallState(callId, "ringing");
            }

            consoleB.sendJson("type", "answer", "callId", callId);
            JsonNode agentMedia = consoleB.awaitType("media");
            JsonNode callerMedia = caller.awaitType("media");
            consoleB.awaitType("leg");
            // The media URL names the node that carries the call (the caller's), whichever node answered.
            assertThat(agentMedia.path("url").asString()).startsWith("/ws/media?token=a.");
            assertThat(callerMedia.path("url").asString()).startsWith("/ws/media?token=a.");

            // Later answers lose, from the caller's node and from the answering agent's node alike.
            consoleA.sendJson("type", "answer", "callId", callId);
            assertThat(consoleA.awaitError("already_answered").path("callId").asString()).isEqualTo(callId);
            otherConsoleB.sendJson("type", "answer", "callId", callId);
            assertThat(otherConsoleB.awaitError("already_answered").path("callId").asString()).isEqualTo(callId);
            for (EventSocketClient console : new EventSocketClient[] { consoleA, consoleB, otherConsoleB }) {
                assertThat(console.awaitCallState(callId, "answered").at("/call/agent").asString()).isEqualTo("admin");
            }

            // Both media sockets through the balancer, which routes them by the token to node a.
            Endpoint balancer = Endpoint.local(proxy.port);
            try (MediaSocketClient callerAudio = MediaSocketClient.open(balancer, callerMedia.path("url").asString(),
                    CallHarness.SAMPLES_PER_FRAME);
                    MediaSocketClient agentAudio = MediaSocketClient.open(balancer, agentMedia.path("url").asString(),
                            CallHarness.SAMPLES_PER_FRAME)) {
                callerAudio.stream(CallHarness.tone(440), CallHarness.FRAME_MILLIS);
                agentAudio.stream(CallHarness.tone(880), CallHarness.FRAME_MILLIS);
                await().atMost(Duration.ofSeconds(15))
                        .until(() -> callerAudio.framesReceived() > 100 && agentAudio.framesReceived() > 100);
                callerAudio.stopStreaming();
                agentAudio.stopStreaming();

                // The agent hangs up on its own node: the call ends on the caller's node, for everyone.
                long start = System.nanoTime();
                consoleB.sendJson("type", "hangup", "callId", callId);
                JsonNode ended = caller.awaitCallState(callId, "ended");
                long hangupMs = (System.nanoTime() - start) / 1_000_000;
                assertThat(ended.at("/call/endReason").asString()).isEqualTo("agent_hangup");
                consoleA.awaitCallState(callId, "ended");
                consoleB.awaitCallState(callId, "ended");
                otherConsoleB.awaitCallState(callId, "ended");
                System.out.printf("CrossNodeCallsIT: agent's hang-up on node b to the caller's 'ended' on node a: %d ms%n",
                        hangupMs);

                short[] agentHeard = agentAudio.receivedSamples();
                short[] callerHeard = callerAudio.receivedSamples();
                assertThat(ToneDetector.relativePower(agentHeard, 0, agentHeard.length, 440, 44_100)).isGreaterThan(0.8);
                assertThat(ToneDetector.relativePower(callerHeard, 0, callerHeard.length, 880, 44_100)).isGreaterThan(0.8);
            }

            // The recording is on the node that carried the call, and only there; exact and complete.
            Path wavPath = await().atMost(Duration.ofSeconds(10)).until(() -> a.findWav(callId), p -> p != null);
            assertThat(b.findWav(callId)).as("no media crossed to node b").isNull();
            WavFile wav = WavFile.read(wavPath);
            assertThat(wav.declaredDataBytes()).isEqualTo(wav.fileBytes() - 44);
            assertThat(wav.durationMs()).isGreaterThan(1500);
            int middle = (int) (wav.frames() / 4);
            int length = (int) (wav.frames() / 2);
            // The mix holds both parties, each about half the power.
            assertThat(ToneDetector.relativePower(wav.samples(), middle, length, 440, 44_100)).isGreaterThan(0.3);
            assertThat(ToneDetector.relativePower(wav.samples(), middle, length, 880, 44_100)).isGreaterThan(0.3);
            Map<String, Object> row = await().atMost(Duration.ofSeconds(20)).until(() -> nodes.row(callId),
                    r -> "COMPLETE".equals(r.get("recording_status")));
            assertThat(row.get("call_state")).isEqualTo("ENDED");
            assertThat(row.get("end_reason")).isEqualTo("AGENT_HANGUP");
            assertThat(row.get("agent")).isEqualTo("admin");
            assertThat(row.get("home_node")).as("the node that carried it").isEqualTo("a");
            assertThat(((Number) row.get("recording_duration")).doubleValue()).isCloseTo(wav.durationMs(), within(100.0));
            assertThat(((Number) row.get("size_bytes")).longValue()).isEqualTo(wav.fileBytes());
        }
    }

    @Test
    void theCallerHangingUpOnItsNodeEndsTheRingingOnTheOther() {
        try (EventSocketClient consoleB = EventSocketClient.open(Endpoint.local(b.port), "agent", b.signedInAdmin());
                EventSocketClient caller = EventSocketClient.open(Endpoint.local(a.port), "caller", null)) {
            // No console on node a: the call is offered only to node b's.
            String callId = dialRingingAt(caller, consoleB, "Gives up");
            caller.sendJson("type", "hangup", "callId", callId);
            assertThat(consoleB.awaitCallState(callId, "cancelled").at("/call/endReason").asString())
                    .isEqualTo("caller_hangup");
            // Too late from the other node: refused by the call's node, and said so to this console.
            consoleB.sendJson("type", "answer", "callId", callId);
            consoleB.awaitMessage(m -> "error".equals(m.path("type").asString()) && callId.equals(m.path("callId").asString()));
        }
    }

    @Test
    void aDeclineOnNodeBRejectsTheCallOnNodeA() {
        try (EventSocketClient consoleB = EventSocketClient.open(Endpoint.local(b.port), "agent", b.signedInAdmin());
                EventSocketClient caller = EventSocketClient.open(Endpoint.local(a.port), "caller", null)) {
            String callId = dialRingingAt(caller, consoleB, "Turned down");
            consoleB.sendJson("type", "decline", "callId", callId);
            assertThat(caller.awaitCallState(callId, "rejected").at("/call/endReason").asString()).isEqualTo("declined");
            consoleB.awaitCallState(callId, "rejected");
        }
    }

    @Test
    void disablingAnAgentOnNodeAClosesTheirConsoleOnNodeBWithin1s() throws Exception {
        WebClientSession admin = a.signedInAdmin();
        String name = "agent" + UUID.randomUUID().toString().substring(0, 8);
        WebClientSession agent = NodeAgents.newAgent(admin, b, name);

        try (EventSocketClient console = EventSocketClient.open(Endpoint.local(b.port), "agent", agent)) {
            admin.get("/users");
            HttpResponse<String> disabled = admin.postForm("/users/" + NodeAgents.idOf(database, name) + "/enabled", Map.of("enabled", "false"));
            long start = System.nanoTime();
            assertThat(disabled.body()).contains("User disabled.");
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10)).until(console::isClosed);
            System.out.printf("CrossNodeCallsIT: console on node b closed %d ms after the disable on node a answered%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertThat(console.closeCode()).isEqualTo(4401);
        }
    }

    @Test
    void malformedMessagesOnTheChannelAreDroppedAndTheNodesGoOn() {
        RedisClient client = RedisClient.create(TwoNodesIT.REDIS);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            String channel = prefix + "cluster";
            for (String hostile : new String[] { "not json", "[]", "{}", "{\"type\":\"offer\",\"from\":\"x\"}",
                    "{\"type\":\"presence\",\"from\":\"x\",\"console\":\"1\",\"user\":\"u\",\"status\":\"zzz\"}",
                    "{\"type\":\"party\",\"from\":\"x\",\"to\":\"a\",\"console\":\"1\",\"callId\":\"1\",\"kind\":\"media\"}",
                    "{\"type\":\"command\",\"from\":\"../b\",\"to\":\"a\",\"callId\":\"1\",\"console\":\"1\",\"user\":\"u\",\"action\":\"answer\"}",
                    "{\"type\":\"changed\",\"from\":\"x\",\"callId\":\"1\",\"call\":{\"id\":\"2\"}}",
                    "{\"type\":\"refused\",\"from\":\"x\",\"to\":\"b\",\"console\":\"1\",\"code\":\"<script>\"}" }) {
                redis.sync().publish(channel, hostile);
            }
            redis.sync().publish(channel, "{\"type\":\"signout\",\"from\":\"x\",\"user\":\"" + "u".repeat(300) + "\"}");
        }
        finally {
            client.shutdown();
        }
        // Both nodes still carry a call across them.
        try (EventSocketClient consoleB = EventSocketClient.open(Endpoint.local(b.port), "agent", b.signedInAdmin());
                EventSocketClient caller = EventSocketClient.open(Endpoint.local(a.port), "caller", null)) {
            String callId = dialRingingAt(caller, consoleB, "After the noise");
            consoleB.sendJson("type", "answer", "callId", callId);
            caller.awaitType("media");
            caller.sendJson("type", "hangup", "callId", callId);
            consoleB.awaitCallState(callId, "ended");
        }
    }

    /** The caller dials; returns the call's id once it rings at {@code console}. */
    private static String dialRingingAt(EventSocketClient caller, EventSocketClient console, String callerName) {
        caller.sendJson("type", "dial", "callerName", callerName);
        String callId = caller.awaitType("leg").path("callId").asString();
        console.awaitCallState(callId, "ringing");
        return callId;
    }
}
