package org.callvault.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

/**
 * Issue 14, point 7: common and trivially guessable passwords, and passwords holding the user
 * name, are refused with a reason on every path that sets one: an admin creating a user, an
 * admin resetting one, a user changing their own.
 */
@Import(TestUsers.class)
class PasswordPolicyIT extends IntegrationTest {

    private static final String[] WEAK = { "password12", "1234567890", "aaaaaaaaaa", "qwertyuiop", "Password123" };

    @Autowired
    TestUsers testUsers;

    @Autowired
    UserRepository users;

    @Test
    void weakPasswordsAreRefusedWhenAnAdminCreatesAUser() {
        WebClientSession admin = signedInAdmin();
        for (String weak : WEAK) {
            admin.get("/users");
            assertThat(admin.postForm("/users", Map.of("username", "weak.one", "password", weak, "role", "AGENT"))
                    .body()).as(weak).contains("Password is too easy to guess");
        }
        admin.get("/users");
        assertThat(admin.postForm("/users", Map.of("username", "weak.one", "password", "my-weak.one-2026!",
                "role", "AGENT")).body()).contains("Password must not contain the user name.");
        admin.get("/users");
        assertThat(admin.postForm("/users", Map.of("username", "weak.one", "password", "CallVault-Grape-77",
                "role", "AGENT")).body()).contains("Password must not contain the name of this service.");
        assertThat(users.findByUsername("weak.one")).isEmpty();
    }

    @Test
    void weakPasswordsAreRefusedOnAdminResetAndOnOwnChange() {
        String name = testUsers.create(Role.AGENT);
        String id = users.findByUsername(name).orElseThrow().id();
        String hashBefore = users.findById(id).orElseThrow().passwordHash();

        WebClientSession admin = signedInAdmin();
        for (String weak : new String[] { "password12", name + "-2026!x" }) {
            admin.get("/users");
            assertThat(admin.postForm("/users/" + id + "/password", Map.of("password", weak)).body()).as(weak)
                    .containsAnyOf("Password is too easy to guess", "Password must not contain the user name.");
        }

        WebClientSession agent = newSession();
        agent.signIn(name, TestUsers.PASSWORD);
        for (String weak : new String[] { "1234567890", "aaaaaaaaaa", "Xx" + name + "Yy12" }) {
            agent.get("/account/password");
            assertThat(agent.postForm("/account/password", Map.of("currentPassword", TestUsers.PASSWORD,
                    "newPassword", weak, "confirmPassword", weak)).body()).as(weak)
                    .containsAnyOf("Password is too easy to guess", "Password must not contain the user name.");
        }
        assertThat(users.findById(id).orElseThrow().passwordHash()).isEqualTo(hashBefore);
        // A strong one passes on the same path.
        agent.get("/account/password");
        assertThat(agent.postForm("/account/password", Map.of("currentPassword", TestUsers.PASSWORD,
                "newPassword", "Amber-Violin-Tractor-31", "confirmPassword", "Amber-Violin-Tractor-31"))
                .headers().firstValue("Location")).hasValue("/?passwordChanged");
    }
}
