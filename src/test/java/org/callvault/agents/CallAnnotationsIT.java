package org.callvault.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.callvault.support.CallHarness;
import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import tools.jackson.databind.JsonNode;

/**
 * Issue 17 point 4: the answering agent's notes, tags and outcome code reach the API, the CSV, the
 * filters and the search; another agent, an anonymous client and oversized or malformed input are refused.
 */
@Import(TestUsers.class)
class CallAnnotationsIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    private WebClientSession agent() {
        WebClientSession login = newSession();
        login.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        return login;
    }

    private static String body(String notes, String tags, String outcome) {
        var node = AgentsApi.JSON.createObjectNode();
        node.put("notes", notes);
        var array = node.putArray("tags");
        for (String tag : tags.isEmpty() ? new String[0] : tags.split(",")) {
            array.add(tag);
        }
        node.put("outcomeCode", outcome);
        return node.toString();
    }

    @Test
    void theAnsweringAgentsAnnotationsAreInTheApiCsvFiltersAndSearch() {
        WebClientSession maria = agent();
        String callId;
        try (CallHarness call = new CallHarness(port, maria)) {
            callId = call.dial("Annotated Caller");
            call.answer();
            call.talk(440, 880);
            // During the call: the live call knows its agent before its row does.
            var saved = AgentsApi.send(maria, "PUT", "/api/calls/" + callId + "/annotations",
                    body("Wants a refund for the zeppelin order", "billing,VIP-customer", "complaint"));
            assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
            assertThat(AgentsApi.json(saved).path("tags").toString()).isEqualTo("[\"billing\",\"vip-customer\"]");
            call.hangUpByCaller();
        }
        WebClientSession admin = signedInAdmin();
        JsonNode stored = AgentsApi.json(admin.get("/api/calls/" + callId));
        assertThat(stored.path("notes").asString()).isEqualTo("Wants a refund for the zeppelin order");
        assertThat(stored.path("outcomeCode").asString()).isEqualTo("complaint");
        assertThat(stored.path("tags").toString()).isEqualTo("[\"billing\",\"vip-customer\"]");

        assertThat(admin.get("/api/calls?tag=billing&limit=500").body()).contains(callId);
        assertThat(admin.get("/api/calls?tag=no-such-tag").body()).doesNotContain(callId);
        assertThat(admin.get("/api/calls?outcomeCode=complaint&limit=500").body()).contains(callId);
        assertThat(admin.get("/api/calls?outcomeCode=sale&limit=500").body()).doesNotContain(callId);
        assertThat(admin.get("/api/calls?q=zeppelin").body()).contains(callId);
        assertThat(admin.get("/api/calls?q=vip-cust").body()).contains(callId);
        assertThat(admin.get("/api/calls?tag=Bad%20Tag").statusCode()).isEqualTo(400);
        String csv = admin.get("/api/calls/export.csv?tag=billing").body();
        assertThat(csv.lines().findFirst().orElseThrow()).endsWith(",source,outcome_code,tags,notes");
        assertThat(csv).contains(callId).contains(",complaint,billing vip-customer,Wants a refund for the zeppelin order");
    }

    @Test
    void anotherAgentAnonymousAndBadInputAreRefused() {
        WebClientSession maria = agent();
        String callId;
        try (CallHarness call = new CallHarness(port, maria)) {
            callId = call.dial("Guarded Caller");
            call.answer();
            call.hangUpByCaller();
        }
        String path = "/api/calls/" + callId + "/annotations";
        String fine = body("ok", "sale-lead", "sale");
        await().atMost(Duration.ofSeconds(5)).until(() -> AgentsApi.send(maria, "PUT", path, fine).statusCode() == 200);

        var other = AgentsApi.send(agent(), "PUT", path, body("mine now", "", "other"));
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(AgentsApi.send(newSession(), "PUT", path, fine).statusCode()).isIn(401, 403);
        assertThat(AgentsApi.send(maria, "PUT", path, body("x".repeat(2001), "", null)).statusCode()).isEqualTo(400);
        assertThat(AgentsApi.send(maria, "PUT", path, body("x".repeat(2000), "", null)).statusCode()).isEqualTo(200);
        assertThat(AgentsApi.send(maria, "PUT", path, body("evil \u202E mark", "", null)).statusCode()).isEqualTo(400);
        assertThat(AgentsApi.send(maria, "PUT", path, body("", "<script>", null)).statusCode()).isEqualTo(400);
        assertThat(AgentsApi.send(maria, "PUT", path, body("", "a,b,c,d,e,f,g,h,i,j,k", null)).statusCode()).isEqualTo(400);
        assertThat(AgentsApi.send(maria, "PUT", path, body("", "", "bribe")).statusCode()).isEqualTo(400);
        assertThat(AgentsApi.send(maria, "PUT", "/api/calls/00000000-0000-0000-0000-000000000000/annotations", fine)
                .statusCode()).isEqualTo(404);
        // An administrator may correct any call's annotations; the other agent's attempt changed nothing.
        WebClientSession admin = signedInAdmin();
        assertThat(AgentsApi.json(admin.get("/api/calls/" + callId)).path("notes").asString()).isEqualTo("x".repeat(2000));
        assertThat(AgentsApi.send(admin, "PUT", path, body("checked", "audited", "other")).statusCode()).isEqualTo(200);
        assertThat(AgentsApi.json(admin.get("/api/calls/" + callId)).path("tags").toString()).isEqualTo("[\"audited\"]");
    }
}
