package org.callvault.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.callvault.support.IntegrationTest;
import org.callvault.support.WebClientSession;
import org.callvault.user.UserRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 14, point 6, through the real sign-in form on the database chosen with
 * {@code -Dcallvault.it.database} (run on h2, mariadb and postgresql): one canonical name per
 * account. Look-alikes that MariaDB's {@code utf8mb4_general_ci} used to equate with {@code admin}
 * do not sign in, spellings of the same canonical name share one throttle budget, and an account
 * whose canonical name is taken cannot be created.
 */
class CanonicalUserNameIT extends IntegrationTest {

    @Autowired
    LoginThrottle throttle;

    @Autowired
    UserRepository users;

    @BeforeEach
    void freshThrottle() {
        throttle.clear();
    }

    @Test
    void lookAlikesOfAdminDoNotSignInAsAdmin() {
        for (String lookalike : new String[] { "ádmin", "admín", "Àdmin", "admin\u200b", "\u202eadmin" }) {
            WebClientSession session = newSession();
            assertThat(session.signIn(lookalike, ADMIN_PASSWORD).headers().firstValue("Location")).as(lookalike)
                    .hasValue("/login?error");
            throttle.clear();
        }
        // The same canonical name, typed in another case or with surrounding spaces, is the account.
        assertThat(newSession().signIn("ADMIN", ADMIN_PASSWORD).headers().firstValue("Location")).hasValue("/");
        assertThat(newSession().signIn(" Admin ", ADMIN_PASSWORD).headers().firstValue("Location")).hasValue("/");
    }

    @Test
    void spellingsOfOneNameShareOneThrottleBudget() {
        WebClientSession guesser = newSession();
        for (String spelling : new String[] { "admin ", " ADMIN", "Admin", "aDmin", "admin\t" }) {
            assertThat(guesser.signIn(spelling, "wrong-password").headers().firstValue("Location")).as(spelling)
                    .hasValue("/login?error");
        }
        // Five failures (the default limit) on the one account: even the right password waits now.
        assertThat(newSession().signIn("admin", ADMIN_PASSWORD).headers().firstValue("Location").orElseThrow())
                .startsWith("/login?throttled=");
        throttle.clear();
    }

    @Test
    void aUserWhoseCanonicalNameIsTakenIsNotCreated() {
        WebClientSession admin = signedInAdmin();
        admin.get("/users");
        assertThat(admin.postForm("/users", Map.of("username", "Kim.Lee", "password", "Correct-Horse-Battery-9",
                "role", "AGENT")).body()).contains("User Kim.Lee created");
        for (String twin : new String[] { "kim.lee", "KIM.LEE", " kim.lee " }) {
            admin.get("/users");
            assertThat(admin.postForm("/users", Map.of("username", twin, "password", "Correct-Horse-Battery-9",
                    "role", "AGENT")).body()).as(twin).contains("A user named Kim.Lee already exists");
        }
        admin.get("/users");
        assertThat(admin.postForm("/users", Map.of("username", "kím.lee", "password", "Correct-Horse-Battery-9",
                "role", "AGENT")).body()).contains("User name must be 3 to 64");
        assertThat(users.findAll().stream().filter(u -> u.username().equalsIgnoreCase("kim.lee")).count())
                .isEqualTo(1);
    }
}
