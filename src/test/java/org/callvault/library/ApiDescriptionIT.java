package org.callvault.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.callvault.support.IntegrationTest;
import org.callvault.support.LibraryFixtures;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Issue 17, point 8: the OpenAPI document describes the API, and GET /api/recordings lists recordings. */
@Import(LibraryFixtures.class)
class ApiDescriptionIT extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant T0 = Instant.parse("2026-04-01T09:00:00Z");

    @Autowired
    LibraryFixtures fixtures;

    @Test
    void theDocumentNamesTheApiItsVersionAndTheBearerScheme() {
        JsonNode doc = JSON.readTree(signedInAdmin().get("/v3/api-docs").body());
        assertThat(doc.at("/info/title").asString()).isEqualTo("CallVault API");
        assertThat(doc.at("/info/version").asString()).isNotBlank();
        assertThat(doc.at("/info/description").asString()).contains("Authorization: Bearer");
        assertThat(doc.at("/components/securitySchemes/apiToken/type").asString()).isEqualTo("http");
        assertThat(doc.at("/components/securitySchemes/apiToken/scheme").asString()).isEqualTo("bearer");
        assertThat(doc.at("/security/0").has("apiToken")).isTrue();
    }

    @Test
    void onlyTheSwaggerPageMayUseInlineStyles() {
        WebClientSession admin = signedInAdmin();
        String swagger = admin.get("/swagger-ui/index.html").headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(swagger).contains("style-src 'self' 'unsafe-inline'").doesNotContain("script-src");
        String page = admin.get("/calls").headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(page).doesNotContain("unsafe-inline");
    }

    @Test
    void theCallFiltersAreSeparateDocumentedQueryParameters() {
        JsonNode paths = JSON.readTree(signedInAdmin().get("/v3/api-docs").body()).path("paths");
        List<String> filters = CallFilterParameters.FILTERS.stream().map(p -> p.getName()).toList();
        for (String path : new String[] { "/api/calls", "/api/recordings", "/api/calls/export.csv" }) {
            JsonNode parameters = paths.path(path).path("get").path("parameters");
            List<String> names = new ArrayList<>();
            for (JsonNode parameter : parameters) {
                names.add(parameter.path("name").asString());
                assertThat(parameter.path("in").asString()).as(path).isEqualTo("query");
                assertThat(parameter.path("required").asBoolean()).as(path).isFalse();
                assertThat(parameter.path("description").asString()).as(path + " " + parameter).isNotBlank();
            }
            assertThat(names).as(path).containsAll(filters).doesNotContain("params");
        }
        assertThat(paths.at("/~1api~1recordings/get/parameters").toString()).contains("\"after\"", "\"limit\"");
        assertThat(paths.at("/~1api~1calls/get/parameters").toString()).contains("\"enum\":[\"browser\",\"sip\",\"siprec\"]");
    }

    @Test
    void everyDocumentedFilterIsOneTheServerReads() {
        WebClientSession admin = signedInAdmin();
        // A value no filter accepts, per parameter: each must be refused by name, proving CallFilter reads it.
        String tooLong = "x".repeat(101);
        for (String query : new String[] { "from=yesterday", "to=soon", "caller=" + tooLong, "agent=" + tooLong,
                "state=lost", "source=fax", "minSeconds=-1", "maxSeconds=many", "q=" + tooLong, "sort=random" }) {
            var response = admin.get("/api/recordings?" + query);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
        }
        assertThat(CallFilterParameters.FILTERS).hasSize(10);
    }

    @Test
    void recordingsAreListedWithTheCallFiltersAndPaged() throws Exception {
        String tag = "R" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 5; i++) {
            fixtures.call(T0.plusSeconds(i * 60), "ENDED", tag + " recorded " + i, null, "maria", 10_000L, true);
            fixtures.call(T0.plusSeconds(i * 60 + 30), "MISSED", tag + " missed " + i, null, null, null, false);
        }
        fixtures.call(T0.plusSeconds(900), "ENDED", tag + " by anna", null, "anna", 10_000L, true);
        WebClientSession admin = signedInAdmin();

        JsonNode first = JSON.readTree(admin.get("/api/recordings?caller=" + tag + "&agent=maria&limit=2").body());
        assertThat(names(first)).containsExactly(tag + " recorded 4", tag + " recorded 3");
        for (JsonNode item : first.path("items")) {
            assertThat(item.path("recording").path("id").asString()).hasSize(36);
        }
        JsonNode second = JSON.readTree(admin.get("/api/recordings?caller=" + tag + "&agent=maria&limit=2&after="
                + first.path("next").asString()).body());
        assertThat(names(second)).containsExactly(tag + " recorded 2", tag + " recorded 1");
        JsonNode third = JSON.readTree(admin.get("/api/recordings?caller=" + tag + "&agent=maria&limit=2&after="
                + second.path("next").asString()).body());
        assertThat(names(third)).containsExactly(tag + " recorded 0");
        assertThat(third.path("next").isNull()).isTrue();

        // Calls without a recording are skipped, and the page still fills up.
        JsonNode mixed = JSON.readTree(admin.get("/api/recordings?caller=" + tag + "&limit=2").body());
        assertThat(names(mixed)).containsExactly(tag + " by anna", tag + " recorded 4");

        JsonNode oldest = JSON.readTree(admin.get("/api/recordings?caller=" + tag + "&sort=oldest&limit=50").body());
        assertThat(oldest.path("items")).hasSize(6);
        assertThat(names(oldest).get(0)).isEqualTo(tag + " recorded 0");

        assertThat(admin.get("/api/recordings?limit=501").statusCode()).isEqualTo(400);
        assertThat(newSession().get("/api/recordings").statusCode()).isEqualTo(401);
    }

    private static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.path("items").forEach(item -> names.add(item.path("callerName").asString()));
        return names;
    }
}
