package org.callvault.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.callvault.support.CuttableLink;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.Endpoint;
import org.callvault.support.EventSocketClient;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Issue 19 point 5, fencing: node b alone is cut off from the shared Redis (its link to it goes
 * through a {@link CuttableLink}) for longer than lost-after, while node a keeps its own. Node a
 * declares b lost and ends b's call for its console; b, told by the database that it was declared
 * lost, ends the same calls for its own consoles and phones with {@code server_lost} (node a's call
 * that its console held, and its own call that node a's console held), and its readiness answers 503,
 * so the balancer sends everything to node a. With the link restored, b is ready again, rejoins, and
 * a call on b rings at node a's console.
 */
@DatabaseIndependent
class NodeFenceIT {

    private static final Duration LOST_AFTER = Duration.ofSeconds(3);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the servers' logs
    Path dir;

    @Test
    void aNodeCutOffFromRedisEndsTheCallsTheOthersEndedLeavesTheBalancerAndRejoins() throws Exception {
        try (CuttableLink link = CuttableLink.to(6379);
                CallNodes nodes = CallNodes.startWithRedisOfB(dir, "redis://127.0.0.1:" + link.port,
                        "--callvault.cluster.node-lost-after=" + LOST_AFTER.toSeconds() + "s",
                        "--callvault.calls.when-nobody-available=wait", "--callvault.calls.dials-per-minute=1000")) {
            Endpoint nodeA = Endpoint.local(nodes.a().port);
            Endpoint nodeB = Endpoint.local(nodes.b().port);
            WebClientSession readinessOfA = new WebClientSession(nodes.a().port);
            WebClientSession readinessOfB = new WebClientSession(nodes.b().port);
            try (EventSocketClient agentA = EventSocketClient.open(nodeA, "agent", nodes.a().signedInAdmin());
                    EventSocketClient agentB = EventSocketClient.open(nodeB, "agent", nodes.b().signedInAdmin());
                    EventSocketClient caller1 = EventSocketClient.open(nodeA, "caller", null);
                    EventSocketClient caller2 = EventSocketClient.open(nodeB, "caller", null)) {
                // Call 1 lives on node a, answered at node b's console (node a's own is away).
                CrossNodeRedisOutageIT.setAway(agentA, true);
                caller1.sendJson("type", "dial", "callerName", "Carried by a");
                String call1 = caller1.awaitType("leg").path("callId").asString();
                await().atMost(Duration.ofSeconds(20)).until(() -> agentB.messages().stream().anyMatch(m -> isCall(m, call1, "ringing")));
                agentB.sendJson("type", "answer", "callId", call1);
                caller1.awaitCallState(call1, "answered");

                // Call 2 lives on node b, answered at node a's console (node b's is busy with call 1).
                CrossNodeRedisOutageIT.setAway(agentA, false);
                caller2.sendJson("type", "dial", "callerName", "Carried by b");
                String call2 = caller2.awaitType("leg").path("callId").asString();
                await().atMost(Duration.ofSeconds(20)).until(() -> agentA.messages().stream().anyMatch(m -> isCall(m, call2, "ringing")));
                agentA.sendJson("type", "answer", "callId", call2);
                caller2.awaitCallState(call2, "answered");
                agentB.awaitCallState(call1, "answered");

                long cut = System.nanoTime();
                link.cut();

                // Node a, which still has Redis, declares b lost: its console's call of node b ends.
                assertThat(awaitEnd(agentA, call2).at("/call/endReason").asString()).isEqualTo("server_lost");
                // Node b, cut off, learns it was declared lost: its console and its phone see the same.
                JsonNode call1OnB = awaitEnd(agentB, call1);
                long fencedMs = (System.nanoTime() - cut) / 1_000_000;
                assertThat(call1OnB.at("/call/endReason").asString()).isEqualTo("server_lost");
                assertThat(call1OnB.at("/call/state").asString()).isEqualTo("ended");
                JsonNode call2OnB = awaitEnd(caller2, call2);
                assertThat(call2OnB.at("/call/endReason").asString()).isEqualTo("server_lost");
                System.out.printf("NodeFenceIT: node b cut off from Redis; its console saw node a's call end server_lost"
                        + " after %d ms (lost-after %d ms)%n", fencedMs, LOST_AFTER.toMillis());
                assertThat(fencedMs).as("not before the others could declare it lost")
                        .isGreaterThanOrEqualTo(LOST_AFTER.minusSeconds(1).toMillis());
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> "SERVER_LOST".equals(nodes.row(call2).get("end_reason")));

                // Out of the balancer while cut off; node a stays in and takes everything.
                await().atMost(Duration.ofSeconds(10)).until(() -> readinessOfB.get("/actuator/health/readiness").statusCode() == 503);
                assertThat(readinessOfA.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
                WebClientSession throughBalancer = new WebClientSession(nodes.proxy.port);
                await().atMost(Duration.ofSeconds(15)).until(() -> servedBy(throughBalancer).equals(Set.of("a")));
                assertThat(readinessOfB.get("/actuator/health/readiness").statusCode()).as("still cut off").isEqualTo(503);

                // The link back: node b is ready again, rejoins, and its calls cross nodes again.
                long restored = System.nanoTime();
                link.restore();
                await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(200))
                        .until(() -> readinessOfB.get("/actuator/health/readiness").statusCode() == 200);
                System.out.printf("NodeFenceIT: node b ready again %d ms after its link was restored%n",
                        (System.nanoTime() - restored) / 1_000_000);
                CrossNodeRedisOutageIT.setAway(agentB, true);
                try (EventSocketClient caller3 = EventSocketClient.open(nodeB, "caller", null)) {
                    caller3.sendJson("type", "dial", "callerName", "After the cut");
                    String call3 = caller3.awaitType("leg").path("callId").asString();
                    await().atMost(Duration.ofSeconds(20))
                            .until(() -> agentA.messages().stream().anyMatch(m -> isCall(m, call3, "ringing")));
                    agentA.sendJson("type", "answer", "callId", call3);
                    caller3.awaitCallState(call3, "answered");
                    caller3.sendJson("type", "hangup", "callId", call3);
                    agentA.awaitCallState(call3, "ended");
                }
                await().atMost(Duration.ofSeconds(15)).until(() -> servedBy(throughBalancer).size() == 2);
            }
        }
    }

    private static boolean isCall(JsonNode message, String callId, String state) {
        return "call".equals(message.path("type").asString()) && callId.equals(message.at("/call/id").asString())
                && state.equals(message.at("/call/state").asString());
    }

    /** The message that ends {@code callId} for this socket: waited for up to lost-after and 10 s. */
    private static JsonNode awaitEnd(EventSocketClient socket, String callId) {
        return await().atMost(LOST_AFTER.plusSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> socket.messages().stream().filter(m -> isCall(m, callId, "ended") || isCall(m, callId, "failed"))
                        .findFirst().orElse(null), m -> m != null);
    }

    /** The nodes that served six requests through the balancer. */
    private static Set<String> servedBy(WebClientSession balancer) {
        Set<String> served = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            balancer.get("/actuator/health").headers().firstValue("X-CallVault-Node").ifPresent(served::add);
        }
        return served;
    }
}
