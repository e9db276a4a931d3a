package org.callvault.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.callvault.support.DatabaseIndependent;
import org.callvault.support.Endpoint;
import org.callvault.support.EventSocketClient;
import org.callvault.support.ServerProcess;
import org.callvault.support.TestDatabases;
import org.callvault.support.TestDatabases.TestDatabase;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 point 2 with the longest-idle strategy (issue 17 point 5) across two nodes: the call on
 * node a rings first at the agent idle longest (on node a), moves on after ring-each to the agent
 * whose console is on node b, who answers it; an agent set away on node b is not rung.
 */
@DatabaseIndependent
class CrossNodeLongestIdleIT {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the servers' logs
    Path dir;

    @Test
    void theCallMovesOnFromTheAgentOnNodeAToTheAgentOnNodeB() throws Exception {
        String engine = "postgresql".equals(TestDatabases.forIntegrationTests()) ? "postgresql" : "mariadb";
        try (TestDatabase database = TestDatabases.create(engine)) {
            String[] shared = { "--spring.datasource.url=" + database.url(),
                    "--spring.datasource.username=" + database.username(),
                    "--spring.datasource.password=" + database.password(), "--callvault.redis.url=" + TwoNodesIT.REDIS,
                    "--callvault.redis.key-prefix=callvault:test-" + UUID.randomUUID() + ":",
                    "--callvault.calls.ring-strategy=longest-idle", "--callvault.calls.ring-each=1s",
                    "--callvault.calls.ring-timeout=20s", "--callvault.calls.when-nobody-available=wait" };
            try (ServerProcess a = ServerProcess.start(Files.createDirectories(dir.resolve("a")), NodeAgents.with(shared, "--callvault.node.id=a"));
                    ServerProcess b = ServerProcess.start(Files.createDirectories(dir.resolve("b")), NodeAgents.with(shared, "--callvault.node.id=b"))) {
                WebClientSession agentOnB = NodeAgents.newAgent(a.signedInAdmin(), b, "agent" + UUID.randomUUID().toString().substring(0, 8));
                // The admin's console opens first on node a: idle longest there.
                try (EventSocketClient consoleA = EventSocketClient.open(Endpoint.local(a.port), "agent", a.signedInAdmin());
                        EventSocketClient consoleB = EventSocketClient.open(Endpoint.local(b.port), "agent", agentOnB);
                        EventSocketClient caller = EventSocketClient.open(Endpoint.local(a.port), "caller", null)) {
                    caller.sendJson("type", "dial", "callerName", "Longest idle");
                    String callId = caller.awaitType("leg").path("callId").asString();
                    consoleA.awaitCallState(callId, "ringing");

                    assertThat(consoleB.messages()).as("rings at one agent at a time")
                            .noneMatch(m -> callId.equals(m.at("/call/id").asString()));

                    // After ring-each it moves on to node b's agent and leaves node a's.
                    consoleB.awaitCallState(callId, "ringing");
                    consoleA.awaitMessage(m -> "offer_withdrawn".equals(m.path("type").asString())
                            && callId.equals(m.path("callId").asString()));
                    consoleB.sendJson("type", "answer", "callId", callId);
                    consoleB.awaitType("media");
                    caller.awaitType("media");
                    assertThat(consoleA.awaitCallState(callId, "answered").at("/call/agent").asString())
                            .isEqualTo(consoleB.messages().get(0).path("user").asString());
                    consoleB.sendJson("type", "hangup", "callId", callId);
                    caller.awaitCallState(callId, "ended");

                    // Away on node b: a new call rings only on node a, and never moves to node b.
                    consoleB.sendJson("type", "availability", "status", "away");
                    consoleB.awaitMessage(m -> "away".equals(m.path("status").asString()));
                    consoleB.clear();
                    try (EventSocketClient second = EventSocketClient.open(Endpoint.local(a.port), "caller", null)) {
                        second.sendJson("type", "dial", "callerName", "While b is away");
                        String secondId = second.awaitType("leg").path("callId").asString();
                        consoleA.awaitCallState(secondId, "ringing");
                        // For two ring-each periods: it would have moved to node b by then if b were available.
                        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> consoleB
                                .messages().stream().noneMatch(m -> secondId.equals(m.at("/call/id").asString())));
                        second.sendJson("type", "hangup", "callId", secondId);
                        consoleA.awaitCallState(secondId, "cancelled");
                    }
                }
            }
        }
    }
}
