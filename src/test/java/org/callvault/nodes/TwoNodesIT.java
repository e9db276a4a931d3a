package org.callvault.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.callvault.support.DatabaseIndependent;
import org.callvault.support.HaProxy;
import org.callvault.support.ServerProcess;
import org.callvault.support.TestDatabases;
import org.callvault.support.TestDatabases.TestDatabase;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, points 1 and 4: two real server processes sharing one MariaDB (or PostgreSQL) database
 * and the Redis at 127.0.0.1:6379 (under a key prefix of this test's own). Whichever node a request
 * reaches, the session, the sign-in throttle and a revocation are the same; the retention job runs
 * once per period, not once per node; behind a real HAProxy (round-robin), a browser signs in and is
 * served by both nodes.
 */
@DatabaseIndependent
class TwoNodesIT {

    static final String REDIS = "redis://127.0.0.1:6379";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the servers' logs
    static Path dir;

    static TestDatabase database;
    static ServerProcess a;
    static ServerProcess b;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        // H2 cannot be shared by two processes: the shared database is a real server.
        String engine = "postgresql".equals(TestDatabases.forIntegrationTests()) ? "postgresql" : "mariadb";
        database = TestDatabases.create(engine);
        String prefix = "callvault:test-" + UUID.randomUUID() + ":";
        String[] shared = { "--spring.datasource.url=" + database.url(), "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password(), "--callvault.redis.url=" + REDIS,
                "--callvault.redis.key-prefix=" + prefix, "--callvault.retention.days=3650",
                "--callvault.retention.cron=*/3 * * * * *", "--callvault.jobs.lock-at-least-for=PT1S" };
        a = ServerProcess.start(Files.createDirectories(dir.resolve("a")), shared);
        b = ServerProcess.start(Files.createDirectories(dir.resolve("b")), shared);
    }

    @AfterAll
    static void stopNodes() throws Exception {
        for (ServerProcess node : new ServerProcess[] { a, b }) {
            if (node != null) {
                node.close();
            }
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aSessionSignedInOnOneNodeIsSignedInOnTheOther() {
        WebClientSession onA = a.signedInAdmin();
        assertThat(onA.get("/users").statusCode()).isEqualTo(200);

        assertThat(getWithCookie(b, "/users", onA.cookieHeader()).statusCode()).isEqualTo(200);
        assertThat(getWithCookie(b, "/users", "").headers().firstValue("Location")).hasValue("/login");
    }

    @Test
    void disablingAUserOnOneNodeEndsTheirSessionOnTheOtherAtOnce() throws Exception {
        WebClientSession admin = a.signedInAdmin();
        String name = "agent" + UUID.randomUUID().toString().substring(0, 8);
        String password = UUID.randomUUID().toString();
        admin.get("/users");
        assertThat(admin.postForm("/users", Map.of("username", name, "password", password, "role", "AGENT")).body())
                .contains("created");

        WebClientSession agentOnB = new WebClientSession(b.port);
        agentOnB.signIn(name, password);
        // A new account must choose its password first: signed in, held at the password page.
        assertThat(agentOnB.get("/account/password").statusCode()).isEqualTo(200);

        admin.get("/users");
        assertThat(admin.postForm("/users/" + idOf(name) + "/enabled", Map.of("enabled", "false")).body())
                .contains("User disabled.");

        // The very next request on the other node: no waiting for a cache to expire.
        HttpResponse<String> after = agentOnB.get("/account/password");
        assertThat(after.statusCode()).isEqualTo(302);
        assertThat(after.headers().firstValue("Location")).hasValue("/login");
    }

    @Test
    void failedSignInsSpreadOverBothNodesAreThrottledAtTheCountOfOneNode() {
        // Each attempt from this address (believed from the loopback proxy) is a different unknown
        // user, so only the address's budget (20 failures in 15 minutes) can stop them.
        String address = "203.0.113." + (1 + (int) (Math.random() * 250));
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ServerProcess node = i % 2 == 0 ? a : b;
            WebClientSession browser = new WebClientSession(node.port);
            browser.get("/login");
            HttpResponse<String> response = browser.postFormWithHeaders("/login",
                    Map.of("username", "nobody-" + UUID.randomUUID(), "password", "wrong-password",
                            "_csrf", browser.csrfToken()),
                    Map.of("X-Forwarded-For", address));
            String location = response.headers().firstValue("Location").orElse("");
            outcomes.add(location.startsWith("/login?throttled") ? "throttled" : location.equals("/login?error") ? "error" : location);
        }
        assertThat(outcomes.subList(0, 20)).containsOnly("error");
        assertThat(outcomes.subList(20, 25)).containsOnly("throttled");
    }

    @Test
    void theRetentionJobRunsOncePerPeriodAcrossBothNodes() throws Exception {
        // Every 3 s on both nodes; wait for several periods.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> retentionRuns().size() >= 5);
        List<Long> runs = retentionRuns();
        List<Long> periods = runs.stream().map(at -> at / 3000).distinct().toList();
        System.out.printf("TwoNodesIT: %d scheduled retention runs in %d periods%n", runs.size(), periods.size());
        assertThat(runs).as("one run per 3-second period, not one per node").hasSameSizeAs(periods);
    }

    @Test
    void throughHaproxyRoundRobinASignedInBrowserIsServedByBothNodes() throws Exception {
        try (HaProxy proxy = HaProxy.start(dir.resolve("haproxy"), a.port, b.port)) {
            // Until both nodes pass HAProxy's health check, every request goes to the one that has.
            WebClientSession anonymous = new WebClientSession(proxy.port);
            await().atMost(Duration.ofSeconds(20)).until(() -> servedBy(anonymous, "/actuator/health", 4).size() == 2);

            // Round-robin: the sign-in page comes from one node, the form post goes to the other.
            WebClientSession browser = new WebClientSession(proxy.port);
            HttpResponse<String> signIn = browser.signIn("admin", ServerProcess.ADMIN_PASSWORD);
            assertThat(signIn.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).doesNotStartWith("/login"));

            assertThat(servedBy(browser, "/users", 10)).containsExactlyInAnyOrder("a", "b");
        }
    }

    /** Makes {@code count} requests, each of which must succeed; returns the nodes that served them. */
    private static Set<String> servedBy(WebClientSession browser, String path, int count) {
        Set<String> nodes = new HashSet<>();
        for (int i = 0; i < count; i++) {
            HttpResponse<String> response = browser.get(path);
            assertThat(response.statusCode()).isEqualTo(200);
            response.headers().firstValue("X-CallVault-Node").ifPresent(nodes::add);
        }
        return nodes;
    }

    private static HttpResponse<String> getWithCookie(ServerProcess node, String path, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + node.port + path)).GET();
        Optional.of(cookie).filter(c -> !c.isEmpty()).ifPresent(c -> request.header("Cookie", c));
        return new WebClientSession(node.port).send(request.build());
    }

    private static String idOf(String username) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.url(), database.username(), database.password());
                PreparedStatement query = connection.prepareStatement("SELECT id FROM users WHERE username = ?")) {
            query.setString(1, username);
            try (ResultSet rows = query.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return rows.getString(1);
            }
        }
    }

    private static List<Long> retentionRuns() throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.url(), database.username(), database.password());
                PreparedStatement query = connection.prepareStatement(
                        "SELECT occurred_at FROM audit_log WHERE actor = 'retention-schedule' ORDER BY occurred_at")) {
            List<Long> times = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    times.add(rows.getLong(1));
                }
            }
            return times;
        }
    }
}
