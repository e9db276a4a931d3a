package org.callvault.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

@Import(TestUsers.class)
class AccessRulesIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Test
    void anonymousGetsSignInPageForPagesAnd401ForApi() {
        WebClientSession anonymous = newSession();
        for (String page : new String[] { "/", "/users", "/calls", "/recordings" }) {
            var response = anonymous.get(page);
            assertThat(response.statusCode()).as(page).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).as(page).hasValue("/login");
        }
        assertThat(anonymous.get("/api/calls").statusCode()).isEqualTo(401);
        assertThat(anonymous.get("/api/users").statusCode()).isEqualTo(401);
        // Scrapers have no browser: a status they can report, not a sign-in page.
        assertThat(anonymous.get("/actuator/prometheus").statusCode()).isEqualTo(401);
    }

    @Test
    void agentIsForbiddenAdminPagesAndApis() {
        WebClientSession agent = newSession();
        agent.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        assertThat(agent.get("/").statusCode()).isEqualTo(200);
        assertThat(agent.get("/users").statusCode()).isEqualTo(403);
        assertThat(agent.get("/api/users").statusCode()).isEqualTo(403);
        assertThat(agent.get("/actuator/prometheus").statusCode()).isEqualTo(403);
        // The shared layout hides what the role cannot use.
        assertThat(agent.get("/").body()).doesNotContain("href=\"/users\"");
    }

    @Test
    void adminReachesAdminPagesAndMetrics() {
        WebClientSession admin = signedInAdmin();
        var users = admin.get("/users");
        assertThat(users.statusCode()).isEqualTo(200);
        assertThat(users.body()).contains("admin");
        var metrics = admin.get("/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
    }
}
