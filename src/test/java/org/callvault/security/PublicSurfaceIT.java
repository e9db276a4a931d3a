package org.callvault.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.callvault.user.UserRepository;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

/** What anonymous visitors and careless forms get: the smaller points of the hardening review. */
@Import(TestUsers.class)
class PublicSurfaceIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Autowired
    UserRepository users;

    @Test
    void theApiExplorerIsNotServedToAnonymousVisitors() {
        WebClientSession anonymous = newSession();
        for (String path : new String[] { "/webjars/swagger-ui/index.html", "/swagger-ui.html", "/v3/api-docs" }) {
            var response = anonymous.get(path);
            assertThat(response.statusCode()).as(path).isIn(302, 401);
            assertThat(response.body()).as(path).doesNotContain("swagger");
        }
        WebClientSession agent = newSession();
        agent.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        assertThat(agent.get("/webjars/swagger-ui/index.html").statusCode()).isEqualTo(200);
    }

    @Test
    void pagesMaySpeakOnlyToThisServer() {
        String csp = newSession().get("/login").headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("connect-src 'self';").doesNotContain("ws:").doesNotContain("wss:");
    }

    @Test
    void aRoleChangeWithoutARoleIsAClearErrorNotAServerError() {
        WebClientSession admin = signedInAdmin();
        String name = testUsers.create(Role.AGENT);
        String id = users.findByUsername(name).orElseThrow().id();
        admin.get("/users");
        var response = admin.postForm("/users/" + id + "/role", Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Choose a role.");
        assertThat(users.findByUsername(name).orElseThrow().role()).isEqualTo(Role.AGENT);
    }
}
