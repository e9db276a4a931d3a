package org.callvault.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditLog;
import org.callvault.support.IntegrationTest;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class UserAdministrationIT extends IntegrationTest {

    @Autowired
    UserRepository users;

    @Autowired
    AuditLog audit;

    @Test
    void adminCreatesAgentWhoChangesPasswordThenAdminDisablesThem() {
        WebClientSession admin = signedInAdmin();
        admin.get("/users");
        var created = admin.postForm("/users", Map.of("username", "maria.agent", "password", "initial-pass-123",
                "role", "AGENT"));
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.body()).contains("User maria.agent created");
        User maria = users.findByUsername("maria.agent").orElseThrow();
        assertThat(maria.role()).isEqualTo(Role.AGENT);
        assertThat(maria.mustChangePassword()).isTrue();
        assertThat(maria.passwordHash()).startsWith("{bcrypt}").doesNotContain("initial-pass-123");

        WebClientSession agent = newSession();
        agent.signIn("maria.agent", "initial-pass-123");
        assertThat(agent.get("/").headers().firstValue("Location")).hasValue("/account/password");
        agent.get("/account/password");
        agent.postForm("/account/password", Map.of("currentPassword", "initial-pass-123",
                "newPassword", "marias-own-secret", "confirmPassword", "marias-own-secret"));
        assertThat(agent.get("/").statusCode()).isEqualTo(200);

        admin.get("/users");
        var disabled = admin.postForm("/users/" + maria.id() + "/enabled", Map.of("enabled", "false"));
        assertThat(disabled.body()).contains("User disabled.");
        WebClientSession later = newSession();
        assertThat(later.signIn("maria.agent", "marias-own-secret").headers().firstValue("Location"))
                .hasValue("/login?error");
        assertThat(audit.count(AuditAction.USER_DISABLED)).isPositive();
    }

    @Test
    void invalidInputIsRefusedWithAReason() {
        WebClientSession admin = signedInAdmin();
        admin.get("/users");
        assertThat(admin.postForm("/users", Map.of("username", "x", "password", "long-enough-pw", "role", "AGENT"))
                .body()).contains("User name must be 3 to 64");
        admin.get("/users");
        assertThat(admin.postForm("/users", Map.of("username", "shortpw", "password", "short", "role", "AGENT"))
                .body()).contains("at least 10 characters");
        admin.get("/users");
        assertThat(admin.postForm("/users", Map.of("username", "badrole", "password", "long-enough-pw",
                "role", "ROOT")).body()).contains("Unknown role");
        String adminId = users.findByUsername("admin").orElseThrow().id();
        admin.get("/users");
        assertThat(admin.postForm("/users/" + adminId + "/enabled", Map.of("enabled", "false")).body())
                .contains("cannot disable your own account");
        assertThat(users.findByUsername("admin").orElseThrow().enabled()).isTrue();
    }
}
