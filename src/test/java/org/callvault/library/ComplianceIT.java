package org.callvault.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.callvault.support.IntegrationTest;
import org.callvault.support.LibraryFixtures;
import org.callvault.support.LibraryFixtures.Stored;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 17, points 1-3 over HTTP: access to recordings is audited and the chain verifies; a held
 * call's recording survives delete, bulk delete and retention until the hold is lifted; retention
 * rules edited over REST drive the dry run; every new endpoint is ADMIN only and its forms need
 * the CSRF token.
 */
@Import({ LibraryFixtures.class, TestUsers.class })
class ComplianceIT extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant T0 = Instant.parse("2026-04-02T09:00:00Z");

    @Autowired
    LibraryFixtures fixtures;

    @Autowired
    TestUsers testUsers;

    @Autowired
    JdbcClient jdbc;

    WebClientSession admin;
    String tag;

    @BeforeEach
    void setUp() {
        admin = signedInAdmin();
        admin.get("/recordings");
        tag = "C" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void rulesBackToKeepingEverything() {
        jdbc.sql("DELETE FROM retention_rules").update();
        jdbc.sql("UPDATE retention_settings SET default_days = 0").update();
    }

    @Test
    void playsDownloadsExportsAndDeletionsAreAuditedAndShownOnTheCall() throws Exception {
        Stored stored = fixtures.call(T0, "ENDED", tag, "+441", "maria", 2_000L, true);
        String audio = "/api/recordings/" + stored.recordingId() + "/audio";
        // A player's requests: the whole file, then ranges after seeks; one sitting, one play.
        assertThat(admin.getBytes(audio, Map.of()).statusCode()).isEqualTo(200);
        assertThat(admin.getBytes(audio, Map.of("Range", "bytes=1000-")).statusCode()).isEqualTo(206);
        assertThat(admin.getBytes(audio, Map.of("Range", "bytes=0-99")).statusCode()).isEqualTo(206);
        WebClientSession agent = newSession();
        String agentName = testUsers.create(Role.AGENT);
        agent.signIn(agentName, TestUsers.PASSWORD);
        assertThat(agent.getBytes(audio, Map.of()).statusCode()).isEqualTo(200);
        assertThat(agent.getBytes(audio + "?download=true", Map.of()).statusCode()).isEqualTo(200);
        assertThat(admin.get("/api/calls/export.csv?caller=" + tag).statusCode()).isEqualTo(200);
        assertThat(delete(admin, stored.recordingId()).statusCode()).isEqualTo(200);

        JsonNode access = JSON.readTree(admin.get("/api/calls/" + stored.callId() + "/access").body());
        List<String> seen = new ArrayList<>();
        access.forEach(entry -> seen.add(entry.path("actor").asString() + " " + entry.path("action").asString()));
        assertThat(seen).containsExactly("admin RECORDING_DELETED", agentName + " RECORDING_DOWNLOADED",
                agentName + " RECORDING_PLAYED", "admin RECORDING_PLAYED");
        assertThat(access.get(3).path("clientAddress").asString()).isEqualTo("127.0.0.1");
        assertThat(access.get(3).path("hash").asString()).hasSize(64);

        JsonNode exports = JSON.readTree(admin.get("/api/audit?action=calls_exported&actor=admin&limit=5").body());
        assertThat(exports.path("items").get(0).path("detail").asString()).contains("caller=" + tag).contains("rows: 1");
        var details = admin.get("/recordings/calls/" + stored.callId());
        assertThat(details.statusCode()).isEqualTo(200);
        assertThat(details.body()).contains(agentName).contains("recording downloaded");

        JsonNode verify = JSON.readTree(admin.get("/api/audit/verify").body());
        assertThat(verify.path("intact").asBoolean()).as(verify.toString()).isTrue();
        assertThat(verify.path("entries").asLong()).isPositive();
        assertThat(access.get(0).path("detail").asString()).startsWith("recording " + stored.recordingId());
        assertThat(access.get(0).path("clientAddress").asString()).isEqualTo("127.0.0.1");
        var csv = admin.get("/api/audit/export.csv?target=" + stored.callId());
        String[] lines = csv.body().split("\r\n");
        assertThat(lines).hasSize(5);
        assertThat(lines[0]).startsWith("seq,occurred_at,actor");
    }

    @Test
    void aHeldRecordingSurvivesDeleteBulkDeleteAndRetentionUntilTheHoldIsLifted() throws Exception {
        Stored held = fixtures.call(T0, "ENDED", tag, null, "maria", 1_000L, true);
        var placed = json(admin, "POST", "/api/calls/" + held.callId() + "/hold", "{\"reason\":\"dispute 2026-114\"}");
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        assertThat(JSON.readTree(admin.get("/api/calls/" + held.callId()).body()).path("hold").path("reason").asString())
                .isEqualTo("dispute 2026-114");
        assertThat(admin.get("/recordings?caller=" + tag).body()).contains("on hold: dispute 2026-114");

        var refused = delete(admin, held.recordingId());
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(refused.body()).path("message").asString()).contains("legal hold")
                .contains("dispute 2026-114");
        var bulk = admin.send(post("/api/recordings/bulk-delete?caller=" + tag, admin));
        assertThat(JSON.readTree(bulk.body()).path("outcomes").path("held").asInt()).isEqualTo(1);
        var form = admin.postForm("/recordings/" + held.recordingId() + "/delete", Map.of());
        assertThat(form.headers().firstValue("Location").orElseThrow()).contains("deleted=held");
        var run = admin.send(post("/api/retention/run?days=1", admin));
        assertThat(run.statusCode()).isEqualTo(200);
        assertThat(Files.exists(held.file())).as("retention keeps a held recording").isTrue();

        assertThat(json(admin, "DELETE", "/api/calls/" + held.callId() + "/hold", "").statusCode()).isEqualTo(200);
        assertThat(delete(admin, held.recordingId()).statusCode()).isEqualTo(200);
        assertThat(Files.exists(held.file())).isFalse();
        JsonNode holds = JSON.readTree(admin.get("/api/audit?target=" + held.callId()).body()).path("items");
        List<String> actions = new ArrayList<>();
        holds.forEach(entry -> actions.add(entry.path("action").asString()));
        assertThat(actions).containsExactly("RECORDING_DELETED", "HOLD_LIFTED", "HOLD_PLACED");
        assertThat(holds.get(2).path("detail").asString()).isEqualTo("dispute 2026-114");
    }

    @Test
    void holdingByFilterHoldsEveryMatchingCallAndNeedsAFilter() throws Exception {
        Stored one = fixtures.call(T0, "ENDED", tag + " a", null, "maria", 1_000L, true);
        Stored two = fixtures.call(T0.plusSeconds(60), "MISSED", tag + " b", null, null, null, false);
        var all = json(admin, "POST", "/api/calls/hold?caller=" + tag, "{\"reason\":\"regulator request\"}");
        assertThat(JSON.readTree(all.body()).path("outcomes").path("placed").asInt()).as(all.body()).isEqualTo(2);
        assertThat(JSON.readTree(admin.get("/api/calls/" + two.callId()).body()).path("hold").path("heldBy").asString())
                .isEqualTo("admin");
        assertThat(delete(admin, one.recordingId()).statusCode()).isEqualTo(409);
        assertThat(json(admin, "POST", "/api/calls/hold", "{\"reason\":\"everything\"}").statusCode()).isEqualTo(400);
        assertThat(json(admin, "POST", "/api/calls/" + one.callId() + "/hold", "{\"reason\":\"  \"}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void rulesEditedOverRestDecideTheDryRunAndTheRun() throws Exception {
        Stored sipMissedOld = source(fixtures.call(Instant.parse("2016-05-01T10:00:00Z"), "MISSED", tag, null, null,
                1_000L, true), "sip");
        source(fixtures.call(Instant.parse("2016-05-01T11:00:00Z"), "ENDED", tag, null, "maria", 1_000L, true), "sip");
        Stored siprecOld = source(fixtures.call(Instant.parse("2016-05-02T10:00:00Z"), "ENDED", tag, null, null,
                1_000L, true), "siprec");
        source(fixtures.call(Instant.parse("2019-06-01T10:00:00Z"), "ENDED", tag, null, null, 1_000L, true), "siprec");
        Stored heldOld = source(fixtures.call(Instant.parse("2016-05-03T10:00:00Z"), "MISSED", tag, null, null,
                1_000L, true), "sip");
        fixtures.call(Instant.parse("2016-05-04T10:00:00Z"), "MISSED", tag, null, null, 1_000L, true); // browser
        json(admin, "POST", "/api/calls/" + heldOld.callId() + "/hold", "{\"reason\":\"case 7\"}");

        String rules = """
                {"defaultDays": 0, "rules": [
                  {"source": "sip", "outcome": "missed", "days": 2000},
                  {"source": "sip", "days": 0},
                  {"source": "siprec", "days": 3000}
                ]}""";
        var saved = json(admin, "PUT", "/api/retention/rules", rules);
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        JsonNode current = JSON.readTree(admin.get("/api/retention/rules").body());
        assertThat(current.path("rules")).hasSize(3);
        assertThat(current.path("rules").get(0).path("outcome").asString()).isEqualTo("missed");
        assertThat(current.path("changedBy").asString()).isEqualTo("admin");

        JsonNode dryRun = JSON.readTree(admin.get("/api/retention/dry-run").body());
        Set<String> listed = new HashSet<>();
        dryRun.path("items").forEach(item -> listed.add(item.path("callId").asString()));
        assertThat(listed).containsExactlyInAnyOrder(sipMissedOld.callId(), siprecOld.callId());
        assertThat(dryRun.path("total").asLong()).isEqualTo(2);
        assertThat(dryRun.path("items").get(0).path("rule").asInt()).isEqualTo(1);

        JsonNode change = JSON.readTree(admin.get("/api/audit?action=retention_rules_changed&limit=1").body())
                .path("items").get(0);
        assertThat(change.path("detail").asString()).contains("after: default keep, rules sip, missed, any tag: 2000 days");

        var run = JSON.readTree(admin.send(post("/api/retention/run", admin)).body());
        assertThat(run.path("deleted").asInt()).isEqualTo(2);
        assertThat(Files.exists(sipMissedOld.file())).isFalse();
        assertThat(Files.exists(heldOld.file())).as("holds always win").isTrue();
        assertThat(JSON.readTree(admin.get("/api/retention/dry-run").body()).path("total").asLong()).isZero();

        assertThat(json(admin, "PUT", "/api/retention/rules", "{\"defaultDays\": -1}").statusCode()).isEqualTo(400);
        assertThat(json(admin, "PUT", "/api/retention/rules",
                "{\"defaultDays\": 5, \"rules\": [{\"source\": \"fax\", \"days\": 1}]}").body()).contains("source");
        assertThat(json(admin, "PUT", "/api/retention/rules", "{\"defaultDays\": 5, \"rules\": [{\"days\": 1}]}")
                .statusCode()).isEqualTo(400);
    }

    @Test
    void everyNewEndpointIsAdminOnlyAndAnAdminTokenReadsTheAudit() throws Exception {
        Stored stored = fixtures.call(T0, "ENDED", tag, null, "maria", 1_000L, true);
        WebClientSession agent = newSession();
        agent.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        agent.get("/recordings");
        String call = stored.callId();
        for (String path : List.of("/api/audit", "/api/audit/verify", "/api/audit/export.csv", "/api/retention/rules",
                "/api/retention/dry-run", "/api/calls/" + call + "/access", "/audit", "/retention",
                "/recordings/calls/" + call)) {
            assertThat(agent.get(path).statusCode()).as("GET " + path).isEqualTo(403);
        }
        assertThat(json(agent, "PUT", "/api/retention/rules", "{\"defaultDays\": 1}").statusCode()).isEqualTo(403);
        assertThat(json(agent, "POST", "/api/calls/" + call + "/hold", "{\"reason\":\"x\"}").statusCode()).isEqualTo(403);
        assertThat(json(agent, "DELETE", "/api/calls/" + call + "/hold", "").statusCode()).isEqualTo(403);
        assertThat(json(agent, "POST", "/api/calls/hold?caller=" + tag, "{\"reason\":\"x\"}").statusCode()).isEqualTo(403);
        for (String form : List.of("/recordings/" + call + "/hold", "/recordings/" + call + "/release",
                "/recordings/hold", "/retention/rules")) {
            assertThat(agent.postForm(form, Map.of("reason", "x")).statusCode()).as("POST " + form).isEqualTo(403);
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM legal_holds WHERE call_id = ?").param(call).query(Long.class)
                .single()).isZero();
        assertThat(newSession().get("/api/audit").statusCode()).isEqualTo(401);

        admin.get("/account/tokens");
        String body = admin.postForm("/account/tokens", Map.of("name", "auditor")).body();
        String secret = body.replaceAll("(?s).*data-testid=\"token-secret\">(cv_[A-Za-z0-9_-]+)<.*", "$1");
        var script = newSession();
        var audit = script.send(HttpRequest.newBuilder(URI.create(script.baseUrl() + "/api/audit?limit=2"))
                .header("Authorization", "Bearer " + secret).GET().build());
        assertThat(audit.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(audit.body()).path("items")).hasSize(2);
    }

    @Test
    void theHoldAndRulesFormsNeedTheCsrfToken() throws Exception {
        Stored stored = fixtures.call(T0, "ENDED", tag, null, "maria", 1_000L, true);
        String holdForm = "/recordings/" + stored.callId() + "/hold";
        assertThat(admin.postFormWithoutCsrf(holdForm, Map.of("reason", "forged")).statusCode()).isEqualTo(403);
        assertThat(admin.postFormWithoutCsrf("/retention/rules", Map.of("defaultDays", "1")).statusCode())
                .isEqualTo(403);
        assertThat(admin.get("/api/calls/" + stored.callId()).body()).contains("\"hold\":null");

        admin.get("/recordings?caller=" + tag);
        var held = admin.postForm(holdForm + "?back=caller%3D" + tag, Map.of("reason", "chargeback"));
        assertThat(held.statusCode()).isEqualTo(303);
        assertThat(held.headers().firstValue("Location").orElseThrow()).contains("caller=" + tag).contains("hold=placed");
        assertThat(admin.get("/recordings?caller=" + tag).body()).contains("on hold: chargeback");

        admin.get("/retention");
        var saved = admin.postForm("/retention/rules", Map.of("defaultDays", "0", "source_0", "sip", "outcome_0", "",
                "tag_0", "", "days_0", "30"));
        assertThat(saved.headers().firstValue("Location")).hasValue("/retention?saved=true");
        assertThat(JSON.readTree(admin.get("/api/retention/rules").body()).path("rules").get(0).path("days").asInt())
                .isEqualTo(30);
    }

    private Stored source(Stored stored, String source) {
        jdbc.sql("UPDATE calls SET source = ? WHERE id = ?").params(source, stored.callId()).update();
        return stored;
    }

    private static HttpResponse<String> json(WebClientSession session, String method, String path, String body) {
        return session.send(HttpRequest.newBuilder(URI.create(session.baseUrl() + path))
                .header("X-CSRF-TOKEN", session.csrfToken() == null ? "" : session.csrfToken())
                .header("Content-Type", "application/json")
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static HttpResponse<String> delete(WebClientSession session, String recordingId) {
        return json(session, "DELETE", "/api/recordings/" + recordingId, "");
    }

    private static HttpRequest post(String path, WebClientSession session) {
        return HttpRequest.newBuilder(URI.create(session.baseUrl() + path))
                .header("X-CSRF-TOKEN", session.csrfToken() == null ? "" : session.csrfToken())
                .POST(HttpRequest.BodyPublishers.noBody()).build();
    }
}
