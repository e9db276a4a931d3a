package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import tools.jackson.databind.JsonNode;

/**
 * Issue 17 point 5 under the default ring-all: an Away console does not ring, an Available one does,
 * an Away agent coming back is offered what still rings, and a call that finds nobody available is
 * MISSED at once with the caller told why.
 */
@Import(TestUsers.class)
class AgentAvailabilityIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    private EventSocketClient console(Role role) {
        WebClientSession login = newSession();
        login.signIn(testUsers.create(role), TestUsers.PASSWORD);
        return EventSocketClient.agent(port, login);
    }

    private static JsonNode setAvailability(EventSocketClient console, String status) {
        console.clear();
        console.sendJson("type", "availability", "status", status);
        return console.awaitType("availability");
    }

    private static boolean rang(EventSocketClient console, String callId) {
        return console.messages().stream().anyMatch(m -> "call".equals(m.path("type").asString())
                && callId.equals(m.path("call").path("id").asString())
                && "ringing".equals(m.path("call").path("state").asString()));
    }

    @Test
    void anAwayConsoleDoesNotRingAnAvailableOneDoesAndComingBackRingsIt() {
        try (EventSocketClient away = console(Role.AGENT); EventSocketClient available = console(Role.AGENT);
                EventSocketClient caller = EventSocketClient.caller(port)) {
            assertThat(away.messages().get(0).path("availability").asString()).isEqualTo("available");
            assertThat(setAvailability(away, "away").path("status").asString()).isEqualTo("away");

            caller.sendJson("type", "dial", "callerName", "Ring only the available one");
            String callId = caller.awaitType("leg").path("callId").asString();
            available.awaitCallState(callId, "ringing");
            // The away console heard nothing of it, though the available one did; it rings at the
            // away agent's console as soon as that agent is back.
            assertThat(rang(away, callId)).isFalse();
            assertThat(setAvailability(away, "available").path("status").asString()).isEqualTo("available");
            away.awaitCallState(callId, "ringing");

            available.sendJson("type", "answer", "callId", callId);
            away.awaitCallState(callId, "answered");
            assertThat(setAvailability(available, "away").path("status").asString())
                    .as("on a call the console is busy").isEqualTo("busy");
            caller.sendJson("type", "hangup", "callId", callId);
            available.awaitCallState(callId, "ended");
        }
    }

    @Test
    void nobodyAvailableMissesTheCallAtOnceAndTellsTheCaller() {
        try (EventSocketClient away = console(Role.AGENT); EventSocketClient caller = EventSocketClient.caller(port)) {
            setAvailability(away, "away");
            long start = System.nanoTime();
            caller.sendJson("type", "dial", "callerName", "Nobody there");
            String callId = caller.awaitType("leg").path("callId").asString();
            JsonNode missed = caller.awaitCallState(callId, "missed").path("call");
            // The ring timeout is 3 s in the tests: this is the at-once path, not the timeout.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(missed.path("endReason").asString()).isEqualTo("no_agent_available");
            assertThat(rang(away, callId)).isFalse();
            WebClientSession admin = signedInAdmin();
            await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/api/calls/" + callId).body()
                    .contains("\"endReason\":\"no_agent_available\""));
        }
    }

    @Test
    void availabilityIsForAgentConsolesAndValidated() {
        try (EventSocketClient agent = console(Role.AGENT); EventSocketClient caller = EventSocketClient.caller(port)) {
            caller.sendJson("type", "availability", "status", "away");
            assertThat(caller.awaitError("forbidden").path("ref").asString()).isEqualTo("availability");
            agent.sendJson("type", "availability", "status", "asleep");
            assertThat(agent.awaitError("bad_message").path("message").asString()).contains("'available' or 'away'");
        }
    }
}
