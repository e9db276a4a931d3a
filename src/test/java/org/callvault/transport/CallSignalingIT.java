package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import tools.jackson.databind.JsonNode;

/** The event socket's rules and its answers to bad input (docs/protocol.md). */
@Import(TestUsers.class)
class CallSignalingIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    WebClientSession agentLogin;

    @BeforeEach
    void signInAgent() {
        agentLogin = newSession();
        agentLogin.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
    }

    @Test
    void welcomeAnnouncesTheMediaFormat() {
        try (EventSocketClient caller = EventSocketClient.caller(port)) {
            JsonNode media = caller.awaitType("welcome").path("media");
            assertThat(media.path("sampleRate").asInt()).isEqualTo(44_100);
            assertThat(media.path("samplesPerFrame").asInt()).isEqualTo(882);
            assertThat(media.path("path").asString()).isEqualTo("/ws/media");
        }
    }

    @Test
    void malformedMessagesGetErrorCodesAndTheSocketStaysUp() {
        try (EventSocketClient caller = EventSocketClient.caller(port)) {
            caller.send("{not json");
            caller.awaitError("bad_json");
            caller.send("[1,2,3]");
            assertThat(caller.messages().stream().filter(m -> "bad_json".equals(m.path("code").asString())).count())
                    .isPositive();
            caller.send("{\"no\":\"type\"}");
            caller.awaitError("unknown_type");
            caller.send("{\"type\":\"teleport\"}");
            caller.awaitMessage(m -> "unknown_type".equals(m.path("code").asString())
                    && m.path("message").asString().contains("teleport"));
            caller.send("{\"type\":\"hangup\"}");
            caller.awaitError("bad_message");
            caller.send("{\"type\":\"dial\",\"callerNumber\":\"<script>\"}");
            caller.awaitMessage(m -> "bad_message".equals(m.path("code").asString())
                    && m.path("message").asString().contains("callerNumber"));
            caller.send("{\"type\":\"ping\"}");
            caller.awaitType("pong");
            assertThat(caller.isClosed()).isFalse();
        }
    }

    @Test
    void rolesAreEnforced() {
        try (EventSocketClient caller = EventSocketClient.caller(port);
                EventSocketClient agent = EventSocketClient.agent(port, agentLogin)) {
            caller.send("{\"type\":\"answer\",\"callId\":\"0b7c2c1e-0000-4000-8000-000000000000\"}");
            caller.awaitError("forbidden");
            agent.send("{\"type\":\"dial\"}");
            agent.awaitError("forbidden");
            agent.send("{\"type\":\"answer\",\"callId\":\"0b7c2c1e-0000-4000-8000-000000000000\"}");
            agent.awaitError("not_found");
        }
    }

    @Test
    void anonymousCannotOpenAnAgentSocket() {
        assertThat(EventSocketClient.closeCodeOf(port, "/ws/events?role=agent")).isEqualTo(4403);
    }

    @Test
    void firstAnswerWinsAndTheOtherConsoleSeesItTaken() {
        WebClientSession secondLogin = newSession();
        secondLogin.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        try (EventSocketClient caller = EventSocketClient.caller(port);
                EventSocketClient first = EventSocketClient.agent(port, agentLogin);
                EventSocketClient second = EventSocketClient.agent(port, secondLogin)) {
            caller.sendJson("type", "dial", "callerName", "Bob");
            String callId = caller.awaitType("leg").path("callId").asString();
            first.awaitCallState(callId, "ringing");
            second.awaitCallState(callId, "ringing");
            first.sendJson("type", "answer", "callId", callId);
            first.awaitType("media");
            second.sendJson("type", "answer", "callId", callId);
            second.awaitError("already_answered");
            second.awaitCallState(callId, "answered");
            // Only a party may hang up; the other agent may not.
            second.sendJson("type", "hangup", "callId", callId);
            second.awaitError("forbidden");
            first.sendJson("type", "hangup", "callId", callId);
            caller.awaitCallState(callId, "ended");
            second.awaitCallState(callId, "ended");
            first.sendJson("type", "answer", "callId", callId);
            first.awaitError("invalid_state");
        }
    }

    @Test
    void declineCancelAndBusy() {
        try (EventSocketClient caller = EventSocketClient.caller(port);
                EventSocketClient agent = EventSocketClient.agent(port, agentLogin)) {
            caller.sendJson("type", "dial", "callerName", "Carol");
            String declined = caller.awaitType("leg").path("callId").asString();
            caller.sendJson("type", "dial", "callerName", "Carol again");
            caller.awaitError("busy");
            agent.sendJson("type", "decline", "callId", declined);
            JsonNode rejected = caller.awaitCallState(declined, "rejected").path("call");
            assertThat(rejected.path("endReason").asString()).isEqualTo("declined");

            caller.clear();
            caller.sendJson("type", "dial", "callerName", "Carol");
            String cancelled = caller.awaitType("leg").path("callId").asString();
            caller.sendJson("type", "hangup", "callId", cancelled);
            agent.awaitCallState(cancelled, "cancelled");
        }
    }

    @Test
    void unansweredCallIsMissedAfterTheRingTimeout() {
        try (EventSocketClient caller = EventSocketClient.caller(port);
                EventSocketClient agent = EventSocketClient.agent(port, agentLogin)) {
            caller.sendJson("type", "dial", "callerName", "Dave");
            String callId = caller.awaitType("leg").path("callId").asString();
            await().atMost(Duration.ofSeconds(8)).until(() -> caller.messages().stream().anyMatch(m ->
                    "missed".equals(m.path("call").path("state").asString())));
            JsonNode missed = agent.awaitCallState(callId, "missed").path("call");
            assertThat(missed.path("endReason").asString()).isEqualTo("ring_timeout");
        }
    }

    @Test
    void reloadedPhoneResumesItsCallAndAVanishedOneFails() {
        try (EventSocketClient agent = EventSocketClient.agent(port, agentLogin)) {
            EventSocketClient caller = EventSocketClient.caller(port);
            caller.sendJson("type", "dial", "callerName", "Erin");
            JsonNode leg = caller.awaitType("leg");
            String callId = leg.path("callId").asString();
            caller.abort();

            try (EventSocketClient reloaded = EventSocketClient.caller(port)) {
                reloaded.sendJson("type", "resume", "callId", callId, "resumeToken", "wrong-token");
                reloaded.awaitError("invalid_token");
                reloaded.sendJson("type", "resume", "callId", callId, "resumeToken",
                        leg.path("resumeToken").asString());
                reloaded.awaitCallState(callId, "ringing");
                agent.sendJson("type", "answer", "callId", callId);
                reloaded.awaitType("media");
                reloaded.abort();
            }
            // Nobody came back within the grace period: the call ends, never a ghost.
            JsonNode ended = agent.awaitCallState(callId, "ended").path("call");
            assertThat(ended.path("endReason").asString()).isEqualTo("caller_lost");
        }
    }

    @Test
    void oversizedMessageIsRefusedAndClosed() {
        try (EventSocketClient caller = EventSocketClient.caller(port)) {
            caller.send("{\"type\":\"dial\",\"callerName\":\"" + "x".repeat(9000) + "\"}");
            caller.awaitError("message_too_large");
            await().atMost(Duration.ofSeconds(5)).until(caller::isClosed);
            assertThat(caller.closeCode()).isEqualTo(1009);
        }
    }
}
