package org.callvault.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.callvault.support.CallHarness;
import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Scrapers and scripts with an API token (no browser session): an ADMIN's token reads the
 * metrics, the health details and the API description; anyone else gets a status code, never
 * the sign-in page. And the Grafana dashboard in docs/ asks only for metrics a real scrape has.
 */
@Import(TestUsers.class)
class MonitoringIT extends IntegrationTest {

    private static final Pattern METRIC = Pattern.compile("callvault_[a-z0-9_]+");

    @Autowired
    TestUsers testUsers;

    @Test
    void anAdminTokenReadsMetricsHealthAndTheApiDescription() {
        String token = tokenOf(signedInAdmin());
        WebClientSession script = newSession(); // no cookies at all

        var metrics = bearer(script, "/actuator/prometheus", token);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("callvault_calls_active{");

        JsonNode health = new ObjectMapper().readTree(bearer(script, "/actuator/health", token).body());
        assertThat(health.at("/components/db/status").asString()).isEqualTo("UP");

        var apiDocs = bearer(script, "/v3/api-docs", token);
        assertThat(apiDocs.statusCode()).isEqualTo(200);
        assertThat(apiDocs.body()).contains("\"openapi\"");
    }

    @Test
    void othersGetAStatusNotTheSignInPage() {
        WebClientSession agent = newSession();
        agent.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        String agentToken = tokenOf(agent);
        WebClientSession script = newSession();

        assertThat(bearer(script, "/actuator/prometheus", agentToken).statusCode()).isEqualTo(403);
        JsonNode health = new ObjectMapper().readTree(bearer(script, "/actuator/health", agentToken).body());
        assertThat(health.has("components")).as("an agent's token sees no health details").isFalse();
        assertThat(bearer(script, "/actuator/prometheus", "cv_not-a-real-token").statusCode()).isEqualTo(401);
        assertThat(script.get("/actuator/prometheus").statusCode()).isEqualTo(401);
        assertThat(script.get("/actuator/metrics").statusCode()).isEqualTo(401);
        assertThat(script.get("/v3/api-docs").statusCode()).isEqualTo(401);
        // A token is for machines' paths only: a page with one is still a sign-in redirect.
        assertThat(bearer(script, "/users", agentToken).statusCode()).isEqualTo(302);
    }

    @Test
    void everyMetricOfTheGrafanaDashboardIsInARealScrapeAfterACall() throws Exception {
        Set<String> wanted = new TreeSet<>();
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(Path.of("docs/grafana-dashboard.json")));
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher names = METRIC.matcher(target.path("expr").asString());
                while (names.find()) {
                    wanted.add(names.group());
                }
            }
        }
        assertThat(wanted).as("the dashboard's queries").hasSizeGreaterThanOrEqualTo(10)
                .contains("callvault_calls_active", "callvault_calls_finished_total", "callvault_legs_total",
                        "callvault_recordings_written_total", "callvault_recording_queue_size",
                        "callvault_signin_failures_total", "callvault_signin_throttled_total");

        WebClientSession admin = signedInAdmin();
        String before = admin.get("/actuator/prometheus").body();
        double finishedBefore = sum(before, "callvault_calls_finished_total", "outcome=\"ended\"");
        double websocketLegsBefore = sum(before, "callvault_legs_total", "transport=\"websocket\"");
        double writtenBefore = sum(before, "callvault_recordings_written_total", "");
        WebClientSession agent = newSession();
        agent.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        try (CallHarness call = new CallHarness(port, agent)) {
            call.dial("Metrics Caller");
            call.answer();
            call.talk(440, 880);
            await().atMost(Duration.ofSeconds(10)).until(() -> call.agentMedia.framesReceived() > 20);
            assertThat(sum(admin.get("/actuator/prometheus").body(), "callvault_calls_active", "source=\"browser\""))
                    .isEqualTo(1.0);
            call.hangUpByCaller();
        }
        newSession().signIn("admin", "a wrong password");

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            String scrape = admin.get("/actuator/prometheus").body();
            for (String name : wanted) {
                assertThat(scrape).as(name).containsPattern("(?m)^" + name + "[{ ]");
            }
            assertThat(sum(scrape, "callvault_calls_finished_total", "outcome=\"ended\"")).isEqualTo(finishedBefore + 1);
            assertThat(sum(scrape, "callvault_legs_total", "transport=\"websocket\"")).isEqualTo(websocketLegsBefore + 2);
            assertThat(sum(scrape, "callvault_recordings_written_total", "")).isEqualTo(writtenBefore + 1);
            assertThat(sum(scrape, "callvault_recordings_written_bytes_total", "")).isPositive();
            assertThat(sum(scrape, "callvault_signin_failures_total", "")).isPositive();
            assertThat(sum(scrape, "callvault_calls_active", "source=\"browser\"")).isZero();
        });
    }

    /** The sum of a metric's samples whose labels contain {@code label} (all when empty). */
    private static double sum(String scrape, String name, String label) {
        double total = 0;
        Matcher line = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? (\\S+)").matcher(scrape);
        while (line.find()) {
            if (label.isEmpty() || (line.group(1) != null && line.group(1).contains(label))) {
                total += Double.parseDouble(line.group(2));
            }
        }
        return total;
    }

    private static String tokenOf(WebClientSession session) {
        session.get("/account/tokens");
        String body = session.postForm("/account/tokens", Map.of("name", "prometheus")).body();
        String secret = body.replaceAll("(?s).*data-testid=\"token-secret\">(cv_[A-Za-z0-9_-]+)<.*", "$1");
        assertThat(secret).startsWith("cv_");
        return secret;
    }

    private static HttpResponse<String> bearer(WebClientSession session, String path, String token) {
        return session.send(HttpRequest.newBuilder(URI.create(session.baseUrl() + path))
                .header("Authorization", "Bearer " + token).GET().build());
    }
}
