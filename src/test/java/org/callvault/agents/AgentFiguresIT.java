package org.callvault.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;

import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.callvault.support.MediaSocketClient;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import tools.jackson.databind.JsonNode;

/**
 * Issue 17 points 5 and 6: a scripted set of calls between two agents gives exact figures, and the
 * missed one is on the callback list until an agent marks it done.
 */
@Import(TestUsers.class)
class AgentFiguresIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Test
    void figuresCountExactlyWhatTheScriptedCallsDid() {
        String a = testUsers.create(Role.AGENT);
        String b = testUsers.create(Role.AGENT);
        WebClientSession loginA = newSession();
        loginA.signIn(a, TestUsers.PASSWORD);
        WebClientSession loginB = newSession();
        loginB.signIn(b, TestUsers.PASSWORD);
        String answered;
        String missed;
        try (EventSocketClient consoleA = EventSocketClient.agent(port, loginA);
                EventSocketClient consoleB = EventSocketClient.agent(port, loginB)) {
            // 1: rings at both, A answers; B's share is taken by A.
            try (EventSocketClient caller = EventSocketClient.caller(port)) {
                answered = dial(caller, consoleA, consoleB);
                consoleA.sendJson("type", "answer", "callId", answered);
                String url = consoleA.awaitType("media").path("url").asString();
                try (MediaSocketClient media = MediaSocketClient.open(port, url, 882)) {
                    caller.awaitType("media");
                    caller.sendJson("type", "hangup", "callId", answered);
                    consoleA.awaitCallState(answered, "ended");
                }
            }
            // 2: rings at both, nobody answers: missed while available, for each (ring timeout 3 s).
            try (EventSocketClient caller = EventSocketClient.caller(port)) {
                missed = dial(caller, consoleA, consoleB);
                consoleA.awaitMessage(m -> "call".equals(m.path("type").asString())
                        && missed.equals(m.path("call").path("id").asString())
                        && "missed".equals(m.path("call").path("state").asString()));
            }
            // 3: B is away, so it rings at A alone, who declines it: offered, not missed.
            consoleB.sendJson("type", "availability", "status", "away");
            consoleB.awaitType("availability");
            try (EventSocketClient caller = EventSocketClient.caller(port)) {
                caller.sendJson("type", "dial", "callerName", "Declined");
                String declined = caller.awaitType("leg").path("callId").asString();
                consoleA.awaitCallState(declined, "ringing");
                consoleA.sendJson("type", "decline", "callId", declined);
                caller.awaitCallState(declined, "rejected");
            }
        }
        WebClientSession admin = signedInAdmin();
        long talk = AgentsApi.json(admin.get("/api/calls/" + answered)).path("durationMs").asLong();
        String today = LocalDate.now().toString();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode figuresA = only(admin, "/api/agents/figures?from=" + today + "&to=" + today + "&agent=" + a);
            assertThat(figuresA.path("offered").asLong()).isEqualTo(3);
            assertThat(figuresA.path("answered").asLong()).isEqualTo(1);
            assertThat(figuresA.path("missedWhileAvailable").asLong()).isEqualTo(1);
            assertThat(figuresA.path("talkTimeMs").asLong()).isEqualTo(talk);
            assertThat(figuresA.path("averageHandleTimeMs").asLong()).isEqualTo(talk);
            assertThat(figuresA.path("days").get(0).path("day").asString()).isEqualTo(today);
            JsonNode figuresB = only(admin, "/api/agents/figures?agent=" + b);
            assertThat(figuresB.path("offered").asLong()).isEqualTo(2);
            assertThat(figuresB.path("answered").asLong()).isZero();
            assertThat(figuresB.path("missedWhileAvailable").asLong()).isEqualTo(1);
            assertThat(figuresB.path("talkTimeMs").asLong()).isZero();
        });
        // An agent sees their own figures, and only theirs.
        assertThat(only(loginA, "/api/agents/figures").path("agent").asString()).isEqualTo(a);
        assertThat(loginA.get("/api/agents/figures?agent=" + b).statusCode()).isEqualTo(403);
        assertThat(loginA.get("/agents/figures").statusCode()).isEqualTo(403);
        assertThat(admin.get("/agents/figures").body()).contains(a).contains(b);
        assertThat(admin.get("/api/agents/figures?from=2026-13-01").statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/agents/figures?from=2020-01-01&to=2026-01-01").statusCode()).isEqualTo(400);
        assertThat(newSession().get("/api/agents/figures").statusCode()).isEqualTo(401);

        // The missed call waits on the callback list until someone calls back.
        await().atMost(Duration.ofSeconds(5)).until(() -> loginB.get("/api/callbacks").body().contains(missed));
        assertThat(AgentsApi.send(loginB, "POST", "/api/callbacks/" + missed, null).statusCode()).isEqualTo(200);
        var again = AgentsApi.send(loginA, "POST", "/api/callbacks/" + missed, null);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("Already called back by " + b);
        assertThat(AgentsApi.send(loginA, "POST", "/api/callbacks/" + answered, null).statusCode()).isEqualTo(409);
        assertThat(AgentsApi.send(loginA, "POST", "/api/callbacks/00000000-0000-0000-0000-000000000000", null)
                .statusCode()).isEqualTo(404);
        JsonNode listed = null;
        for (JsonNode call : AgentsApi.json(loginA.get("/api/callbacks")).path("calls")) {
            if (missed.equals(call.path("callId").asString())) {
                listed = call;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.path("calledBackBy").asString()).isEqualTo(b);
        assertThat(loginA.get("/api/callbacks?days=99").statusCode()).isEqualTo(400);
    }

    private static String dial(EventSocketClient caller, EventSocketClient consoleA, EventSocketClient consoleB) {
        caller.sendJson("type", "dial", "callerName", "Figures");
        String callId = caller.awaitType("leg").path("callId").asString();
        consoleA.awaitCallState(callId, "ringing");
        consoleB.awaitCallState(callId, "ringing");
        return callId;
    }

    private static JsonNode only(WebClientSession session, String path) {
        var response = session.get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode agents = AgentsApi.json(response).path("agents");
        assertThat(agents.size()).as(response.body()).isEqualTo(1);
        return agents.get(0);
    }
}
