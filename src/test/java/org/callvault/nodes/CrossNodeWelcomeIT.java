package org.callvault.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.callvault.support.DatabaseIndependent;
import org.callvault.support.Endpoint;
import org.callvault.support.EventSocketClient;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Issue 19 point 2, a console that connects while a call is already ringing on another node: its
 * {@code welcome} lists that call (ring-all: every available console may answer it), the agent
 * answers it from there, the call's node decides and records, and a console opening later on the
 * other node finds it answered in its welcome.
 */
@DatabaseIndependent
class CrossNodeWelcomeIT {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the servers' logs
    Path dir;

    @Test
    void aConsoleConnectingToNodeBListsTheCallRingingOnNodeAAndAnswersIt() throws Exception {
        try (CallNodes nodes = CallNodes.start(dir);
                EventSocketClient consoleA = EventSocketClient.open(Endpoint.local(nodes.a().port), "agent",
                        nodes.a().signedInAdmin());
                EventSocketClient caller = EventSocketClient.open(Endpoint.local(nodes.a().port), "caller", null)) {
            String agent = "agent" + UUID.randomUUID().toString().substring(0, 8);
            WebClientSession agentOnB = NodeAgents.newAgent(nodes.a().signedInAdmin(), nodes.b(), agent);
            caller.sendJson("type", "dial", "callerName", "Rang before you came");
            String callId = caller.awaitType("leg").path("callId").asString();
            consoleA.awaitCallState(callId, "ringing");

            try (EventSocketClient consoleB = EventSocketClient.open(Endpoint.local(nodes.b().port), "agent", agentOnB)) {
                JsonNode welcome = consoleB.awaitType("welcome");
                assertThat(listed(welcome, callId)).as("node b's welcome lists node a's ringing call").isNotNull();
                assertThat(listed(welcome, callId).path("state").asString()).isEqualTo("ringing");
                assertThat(listed(welcome, callId).path("callerName").asString()).isEqualTo("Rang before you came");

                consoleB.sendJson("type", "answer", "callId", callId);
                assertThat(consoleB.awaitType("media").path("token").asString()).as("media on the call's node").startsWith("a.");
                caller.awaitType("media");
                assertThat(consoleA.awaitCallState(callId, "answered").at("/call/agent").asString()).isEqualTo(agent);
                await().atMost(Duration.ofSeconds(10)).until(() -> "RECORDING".equals(nodes.row(callId).get("recording_status")));
                assertThat(nodes.row(callId)).containsEntry("home_node", "a").containsEntry("agent", agent);

                // A console opening on node b now finds the call answered in its welcome.
                try (EventSocketClient late = EventSocketClient.open(Endpoint.local(nodes.b().port), "agent",
                        nodes.b().signedInAdmin())) {
                    JsonNode shown = listed(late.awaitType("welcome"), callId);
                    assertThat(shown).isNotNull();
                    assertThat(shown.path("state").asString()).isEqualTo("answered");
                    assertThat(shown.path("agent").asString()).isEqualTo(agent);
                }

                consoleB.sendJson("type", "hangup", "callId", callId);
                caller.awaitCallState(callId, "ended");
                await().atMost(Duration.ofSeconds(10)).until(() -> "COMPLETE".equals(nodes.row(callId).get("recording_status")));
            }
            // Ended: no welcome lists it any more, on either node.
            try (EventSocketClient after = EventSocketClient.open(Endpoint.local(nodes.b().port), "agent",
                    nodes.b().signedInAdmin())) {
                assertThat(listed(after.awaitType("welcome"), callId)).isNull();
            }
        }
    }

    /** The welcome's (or resync's) entry for {@code callId}, or null. */
    static JsonNode listed(JsonNode message, String callId) {
        for (JsonNode call : message.path("calls")) {
            if (callId.equals(call.path("id").asString())) {
                return call;
            }
        }
        return null;
    }
}
