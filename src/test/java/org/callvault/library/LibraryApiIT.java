package org.callvault.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditLog;
import org.callvault.support.IntegrationTest;
import org.callvault.support.LibraryFixtures;
import org.callvault.support.LibraryFixtures.Stored;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The call history API: filters, keyset pages, audio ranges, deletion, retention, tokens, access. */
@Import({ LibraryFixtures.class, TestUsers.class })
class LibraryApiIT extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant T0 = Instant.parse("2026-03-10T10:00:00Z");

    @Autowired
    LibraryFixtures fixtures;

    @Autowired
    TestUsers testUsers;

    @Autowired
    AuditLog audit;

    WebClientSession admin;
    String tag;

    @BeforeEach
    void setUp() {
        admin = signedInAdmin();
        tag = "T" + UUID.randomUUID().toString().substring(0, 8); // isolates each test's calls by caller name
    }

    @Test
    void pagesAreStableEmptyExactAndPartial() throws Exception {
        assertThat(page("caller=" + tag).path("items")).isEmpty();
        assertThat(page("caller=" + tag).path("next").isNull()).isTrue();
        for (int i = 0; i < 5; i++) {
            fixtures.call(T0.plusSeconds(i * 60), "ENDED", tag + " caller " + i, "+1555000" + i, "maria", 30_000L, false);
        }
        JsonNode exact = page("caller=" + tag + "&limit=5");
        assertThat(exact.path("items")).hasSize(5);
        assertThat(exact.path("next").isNull()).as("an exactly full page has no next").isTrue();
        assertThat(exact.path("items").get(0).path("callerName").asString()).isEqualTo(tag + " caller 4");

        JsonNode first = page("caller=" + tag + "&limit=2");
        assertThat(names(first)).containsExactly(tag + " caller 4", tag + " caller 3");
        // A newer call arrives between pages: the next page neither repeats nor skips anything.
        fixtures.call(T0.plusSeconds(3600), "ENDED", tag + " caller new", null, "maria", 30_000L, false);
        JsonNode second = page("caller=" + tag + "&limit=2&after=" + first.path("next").asString());
        assertThat(names(second)).containsExactly(tag + " caller 2", tag + " caller 1");
        JsonNode third = page("caller=" + tag + "&limit=2&after=" + second.path("next").asString());
        assertThat(names(third)).containsExactly(tag + " caller 0");
        assertThat(third.path("next").isNull()).isTrue();
        assertThat(names(page("caller=" + tag + "&limit=2&sort=oldest"))).containsExactly(tag + " caller 0",
                tag + " caller 1");
    }

    @Test
    void deletingFromAFilteredPageReturnsToThatPage() throws Exception {
        var stored = fixtures.call(T0, "ENDED", tag + " Erin", "+44 20 5555", "maria", 2_000L, true);
        var list = admin.get("/recordings?caller=" + tag + "&q=erin&sort=oldest");
        assertThat(list.statusCode()).isEqualTo(200);
        var action = java.util.regex.Pattern.compile("action=\"(/recordings/" + stored.recordingId() + "/delete[^\"]*)\"")
                .matcher(list.body());
        assertThat(action.find()).as("the row's delete form").isTrue();
        var deleted = admin.postForm(action.group(1).replace("&amp;", "&"), java.util.Map.of());
        assertThat(deleted.statusCode()).isEqualTo(303);
        assertThat(deleted.headers().firstValue("Location").orElseThrow())
                .isEqualTo("/recordings?caller=" + tag + "&q=erin&sort=oldest&deleted=deleted");

        // Whatever "back" holds, the answer stays on the list page with the list's own parameters.
        var hostile = admin.postForm("/recordings/" + UUID.randomUUID() + "/delete?back="
                + enc("x=1&caller=a%0D%0ALocation:%20http://evil.example&next=//evil.example"), java.util.Map.of());
        String location = hostile.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/recordings?caller=a%0D%0ALocation").endsWith("&deleted=not_found")
                .doesNotContain("\r", "\n", "next=", "x=1");
    }

    @Test
    void everyFilterNarrowsTheList() throws Exception {
        fixtures.call(T0, "ENDED", tag + " Alice", "+44 20 1111", "maria", 65_000L, false);
        fixtures.call(T0.plus(Duration.ofDays(1)), "MISSED", tag + " Bob", "+44 20 2222", null, null, false);
        fixtures.call(T0.plus(Duration.ofDays(2)), "ENDED", tag + " Carol", "+33 1 3333", "john", 300_000L, false);
        fixtures.call(T0.plus(Duration.ofDays(3)), "REJECTED", tag + " Dave", "+44 20 4444", "john", null, false);
        String base = "caller=" + tag;
        assertThat(names(page(base + "&state=missed"))).containsExactly(tag + " Bob");
        assertThat(names(page(base + "&agent=john"))).containsExactly(tag + " Dave", tag + " Carol");
        assertThat(names(page(base + "&from=2026-03-11&to=2026-03-12"))).containsExactly(tag + " Carol", tag + " Bob");
        assertThat(names(page(base + "&minSeconds=60&maxSeconds=120"))).containsExactly(tag + " Alice");
        assertThat(names(page(base + "&minSeconds=200"))).containsExactly(tag + " Carol");
        assertThat(names(page("q=" + enc(tag.toLowerCase() + " car")))).containsExactly(tag + " Carol");
        assertThat(names(page("q=" + enc("+33 1 3333") + "&caller=" + tag))).containsExactly(tag + " Carol");
        // Inside a word (through the search index) and too short for the index (a scan): same answers.
        assertThat(names(page("q=333&caller=" + tag))).containsExactly(tag + " Carol");
        assertThat(names(page("q=ol&caller=" + tag))).containsExactly(tag + " Carol");
        assertThat(names(page("q=" + enc(tag.toLowerCase() + " nobody")))).isEmpty();

        var bad = admin.get("/api/calls?state=teleported");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("Unknown state");
        assertThat(admin.get("/api/calls?minSeconds=abc").statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/calls?after=garbage!").statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/calls?limit=100000").statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/calls?from=yesterday").statusCode()).isEqualTo(400);
    }

    @Test
    void audioHonoursRangeRequests() throws Exception {
        Stored stored = fixtures.call(T0, "ENDED", tag, null, "maria", 2_000L, true);
        long size = Files.size(stored.file());
        String url = "/api/recordings/" + stored.recordingId() + "/audio";

        var whole = admin.getBytes(url, Map.of());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).hasSize((int) size);
        assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        // Recordings are personal data: no cache keeps a copy (a revoked user could replay it from one).
        assertThat(whole.headers().firstValue("Cache-Control")).hasValue("private, no-store");
        assertThat(admin.getBytes("/api/recordings/" + stored.recordingId() + "/peaks", Map.of()).headers()
                .firstValue("Cache-Control")).hasValue("private, no-store");

        var start = admin.getBytes(url, Map.of("Range", "bytes=0-99"));
        assertThat(start.statusCode()).isEqualTo(206);
        assertThat(start.headers().firstValue("Content-Range")).hasValue("bytes 0-99/" + size);
        assertThat(start.body()).hasSize(100);
        assertThat(new String(start.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");

        var middle = admin.getBytes(url, Map.of("Range", "bytes=1000-1999"));
        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(middle.headers().firstValue("Content-Range")).hasValue("bytes 1000-1999/" + size);
        assertThat(middle.body()).isEqualTo(java.util.Arrays.copyOfRange(whole.body(), 1000, 2000));

        var suffix = admin.getBytes(url, Map.of("Range", "bytes=-500"));
        assertThat(suffix.statusCode()).isEqualTo(206);
        assertThat(suffix.body()).isEqualTo(java.util.Arrays.copyOfRange(whole.body(), (int) size - 500, (int) size));

        var impossible = admin.getBytes(url, Map.of("Range", "bytes=" + (size + 10) + "-"));
        assertThat(impossible.statusCode()).isEqualTo(416);

        var download = admin.getBytes(url + "?download=true", Map.of());
        assertThat(download.headers().firstValue("Content-Disposition").orElseThrow())
                .startsWith("attachment").contains("callvault-20260310-100000-");
        var peaks = JSON.readTree(admin.get("/api/recordings/" + stored.recordingId() + "/peaks").body());
        assertThat(peaks.path("channels").asInt()).isEqualTo(1);
        assertThat(peaks.path("durationMs").asLong()).isEqualTo(2000);
        assertThat(peaks.path("peaks").get(0).get(1).asInt()).isGreaterThan(9000); // the tone's positive peak
        assertThat(admin.getBytes("/api/recordings/" + UUID.randomUUID() + "/audio", Map.of()).statusCode())
                .isEqualTo(404);
        assertThat(admin.getBytes("/api/recordings/..%2F..%2Fetc/audio", Map.of()).statusCode()).isIn(400, 404);
    }

    @Test
    void deleteTakesFileAndRowTogetherAndIsAudited() throws Exception {
        Stored stored = fixtures.call(T0, "ENDED", tag, null, "maria", 1_000L, true);
        long before = audit.count(AuditAction.RECORDING_DELETED);

        WebClientSession agent = newSession();
        agent.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        assertThat(delete(agent, stored.recordingId()).statusCode()).isEqualTo(403);
        assertThat(Files.exists(stored.file())).isTrue();

        var deleted = delete(admin, stored.recordingId());
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(deleted.body()).contains("\"outcome\":\"deleted\"");
        assertThat(Files.exists(stored.file())).isFalse();
        assertThat(admin.get("/api/recordings/" + stored.recordingId()).statusCode()).isEqualTo(404);
        assertThat(audit.count(AuditAction.RECORDING_DELETED)).isEqualTo(before + 1);
        assertThat(delete(admin, stored.recordingId()).statusCode()).isEqualTo(404);

        // A file already gone: the row goes too, and the outcome says so.
        Stored orphan = fixtures.call(T0, "ENDED", tag, null, "maria", 1_000L, true);
        Files.delete(orphan.file());
        var missing = delete(admin, orphan.recordingId());
        assertThat(missing.statusCode()).isEqualTo(200);
        assertThat(missing.body()).contains("deleted_file_was_missing");
        assertThat(admin.get("/api/recordings/" + orphan.recordingId()).statusCode()).isEqualTo(404);
        // The call itself stays in the history.
        assertThat(admin.get("/api/calls/" + orphan.callId()).statusCode()).isEqualTo(200);
    }

    @Test
    void retentionDeletesOnlyOldRecordings() throws Exception {
        Stored old = fixtures.call(Instant.now().minus(Duration.ofDays(40)), "ENDED", tag, null, "maria", 1_000L, true);
        Stored recent = fixtures.call(Instant.now().minus(Duration.ofDays(2)), "ENDED", tag, null, "maria", 1_000L, true);
        var run = admin.send(post("/api/retention/run?days=30", admin));
        assertThat(run.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(run.body()).path("deleted").asInt()).isPositive();
        assertThat(Files.exists(old.file())).isFalse();
        assertThat(Files.exists(recent.file())).isTrue();
        assertThat(audit.count(AuditAction.RETENTION_RUN)).isPositive();
    }

    @Test
    void apiTokensAreCreatedUsedAndRevoked() throws Exception {
        Stored stored = fixtures.call(T0, "ENDED", tag, null, "maria", 1_000L, true);
        WebClientSession agent = newSession();
        agent.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        agent.get("/account/tokens");
        var created = agent.postForm("/account/tokens", Map.of("name", "nightly export"));
        String secret = created.body().replaceAll("(?s).*data-testid=\"token-secret\">(cv_[A-Za-z0-9_-]+)<.*", "$1");
        assertThat(secret).startsWith("cv_").hasSizeGreaterThan(40);
        assertThat(agent.get("/account/tokens").body()).doesNotContain(secret); // shown once

        WebClientSession script = newSession(); // no cookies at all
        assertThat(bearer(script, "GET", "/api/calls?caller=" + tag, secret).statusCode()).isEqualTo(200);
        assertThat(bearer(script, "GET", "/api/recordings/" + stored.recordingId() + "/audio", secret).statusCode())
                .isEqualTo(200);
        assertThat(bearer(script, "DELETE", "/api/recordings/" + stored.recordingId(), secret).statusCode())
                .as("an agent's token cannot delete").isEqualTo(403);
        assertThat(bearer(script, "GET", "/api/calls", "cv_wrong").statusCode()).isEqualTo(401);

        String tokenId = created.body().replaceAll("(?s).*data-token-id=\"([0-9a-f-]{36})\".*", "$1");
        agent.get("/account/tokens");
        agent.postForm("/account/tokens/" + tokenId + "/revoke", Map.of());
        assertThat(bearer(script, "GET", "/api/calls", secret).statusCode()).isEqualTo(401);
    }

    @Test
    void adminTokenDeletesWithoutCsrfBecauseItCarriesNoCookie() throws Exception {
        Stored stored = fixtures.call(T0, "ENDED", tag, null, "maria", 1_000L, true);
        admin.get("/account/tokens");
        String body = admin.postForm("/account/tokens", Map.of("name", "cleanup")).body();
        String secret = body.replaceAll("(?s).*data-testid=\"token-secret\">(cv_[A-Za-z0-9_-]+)<.*", "$1");
        assertThat(bearer(newSession(), "DELETE", "/api/recordings/" + stored.recordingId(), secret).statusCode())
                .isEqualTo(200);
        assertThat(Files.exists(stored.file())).isFalse();
    }

    @Test
    void anonymousGetsNothingAndAgentsMayListAndPlay() throws Exception {
        Stored stored = fixtures.call(T0, "ENDED", tag, null, "maria", 1_000L, true);
        WebClientSession anonymous = newSession();
        assertThat(anonymous.get("/api/calls").statusCode()).isEqualTo(401);
        assertThat(anonymous.get("/api/calls/" + stored.callId()).statusCode()).isEqualTo(401);
        assertThat(anonymous.getBytes("/api/recordings/" + stored.recordingId() + "/audio", Map.of()).statusCode())
                .isEqualTo(401);
        assertThat(anonymous.get("/api/calls/export.csv").statusCode()).isEqualTo(401);
        assertThat(anonymous.get("/recordings").headers().firstValue("Location")).hasValue("/login");

        WebClientSession agent = newSession();
        agent.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        assertThat(agent.get("/api/calls?caller=" + tag).statusCode()).isEqualTo(200);
        assertThat(agent.getBytes("/api/recordings/" + stored.recordingId() + "/audio", Map.of()).statusCode())
                .isEqualTo(200);
        assertThat(agent.get("/recordings?caller=" + tag).statusCode()).isEqualTo(200);
        assertThat(agent.send(post("/api/retention/run?days=1", agent)).statusCode()).isEqualTo(403);
    }

    @Test
    void csvExportHasTheFilteredCallsAndDefusesFormulas() throws Exception {
        fixtures.call(T0, "ENDED", tag + " =HYPERLINK(\"x\")", "+44 20 1111", "maria", 5_000L, false);
        var csv = admin.get("/api/calls/export.csv?caller=" + tag);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("call_id,started_at,caller_name");
        assertThat(lines[1]).contains("+44 20 1111").contains("5000").contains("ended");
        assertThat(CsvExport.cell("=cmd()")).isEqualTo("'=cmd()");
        assertThat(CsvExport.cell("+44 20 1111")).isEqualTo("+44 20 1111");
    }

    @Test
    void openApiDescriptionIsBrowsable() {
        var docs = admin.get("/v3/api-docs");
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("/api/calls").contains("/api/recordings/{id}/audio");
        assertThat(newSession().get("/v3/api-docs").statusCode()).isIn(302, 401);
    }

    private JsonNode page(String query) {
        var response = admin.get("/api/calls?" + query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.path("items").forEach(item -> names.add(item.path("callerName").asString()));
        return names;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> delete(WebClientSession session, String recordingId) {
        return session.send(HttpRequest.newBuilder(URI.create(session.baseUrl() + "/api/recordings/" + recordingId))
                .header("X-CSRF-TOKEN", session.csrfToken() == null ? "" : session.csrfToken()).DELETE().build());
    }

    private static HttpRequest post(String path, WebClientSession session) {
        return HttpRequest.newBuilder(URI.create(session.baseUrl() + path))
                .header("X-CSRF-TOKEN", session.csrfToken() == null ? "" : session.csrfToken())
                .POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    private static HttpResponse<String> bearer(WebClientSession session, String method, String path, String token) {
        return session.send(HttpRequest.newBuilder(URI.create(session.baseUrl() + path))
                .header("Authorization", "Bearer " + token).method(method, HttpRequest.BodyPublishers.noBody()).build());
    }
}
