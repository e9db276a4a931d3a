package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.callvault.support.CallHarness;
import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import tools.jackson.databind.JsonNode;

/** A resume token re-attaches only its own party: the same agent user, the same caller session. */
@Import(TestUsers.class)
class ResumeBindingIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Test
    void anAgentsLegCannotBeTakenByACallerOrAnotherAgentButByTheSameAgent() {
        WebClientSession maria = newSession();
        maria.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        WebClientSession john = newSession();
        john.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        try (CallHarness call = new CallHarness(port, maria)) {
            String callId = call.dial("Bound legs");
            call.answer();
            String agentToken = call.agent.awaitType("leg").path("resumeToken").asString();

            try (EventSocketClient anonymous = EventSocketClient.caller(port)) {
                anonymous.sendJson("type", "resume", "callId", callId, "resumeToken", agentToken);
                anonymous.awaitError("invalid_token");
                anonymous.sendJson("type", "hangup", "callId", callId);
                anonymous.awaitError("forbidden");
            }
            try (EventSocketClient otherAgent = EventSocketClient.agent(port, john)) {
                otherAgent.sendJson("type", "resume", "callId", callId, "resumeToken", agentToken);
                otherAgent.awaitError("invalid_token");
            }
            assertThat(call.agent.messages()).noneMatch(m -> "replaced".equals(m.path("type").asString()));

            // Maria's second tab takes the leg over; her first tab is told so.
            try (EventSocketClient secondTab = EventSocketClient.agent(port, maria)) {
                secondTab.sendJson("type", "resume", "callId", callId, "resumeToken", agentToken);
                secondTab.awaitCallState(callId, "answered");
                JsonNode replaced = call.agent.awaitType("replaced");
                assertThat(replaced.path("callId").asString()).isEqualTo(callId);
                assertThat(replaced.path("leg").asString()).isEqualTo("agent");
                secondTab.sendJson("type", "hangup", "callId", callId);
                JsonNode ended = call.caller.awaitCallState(callId, "ended").path("call");
                assertThat(ended.path("endReason").asString()).isEqualTo("agent_hangup");
            }
        }
    }

    @Test
    void aCallersLegIsBoundToTheCallersSession() {
        WebClientSession phonePage = newSession();
        phonePage.get("/phone"); // the page's session cookie rides on its socket
        WebClientSession otherPage = newSession();
        otherPage.get("/phone");
        assertThat(phonePage.cookieHeader()).contains("SESSION=");
        WebClientSession agentLogin = newSession();
        agentLogin.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        try (EventSocketClient agent = EventSocketClient.agent(port, agentLogin)) {
            EventSocketClient caller = EventSocketClient.open(port, "caller", phonePage);
            caller.sendJson("type", "dial", "callerName", "Session bound");
            JsonNode leg = caller.awaitType("leg");
            String callId = leg.path("callId").asString();
            String token = leg.path("resumeToken").asString();

            try (EventSocketClient stranger = EventSocketClient.open(port, "caller", otherPage);
                    EventSocketClient noCookie = EventSocketClient.caller(port)) {
                stranger.sendJson("type", "resume", "callId", callId, "resumeToken", token);
                stranger.awaitError("invalid_token");
                noCookie.sendJson("type", "resume", "callId", callId, "resumeToken", token);
                noCookie.awaitError("invalid_token");
            }
            try (EventSocketClient reloaded = EventSocketClient.open(port, "caller", phonePage)) {
                reloaded.sendJson("type", "resume", "callId", callId, "resumeToken", token);
                reloaded.awaitCallState(callId, "ringing");
                caller.awaitType("replaced");
                reloaded.sendJson("type", "hangup", "callId", callId);
                agent.awaitCallState(callId, "cancelled");
            }
            caller.close();
        }
    }
}
