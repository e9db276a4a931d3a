package org.callvault.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.callvault.support.CallHarness;
import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.callvault.user.UserRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

/**
 * Issue 14, point 3: a change of an account's rights reaches every open session and socket of
 * that user within a second: the next request is anonymous (401 for the API, the sign-in page for
 * pages) and the user's event and media sockets close with 4401.
 */
@Import(TestUsers.class)
class SessionRevocationIT extends IntegrationTest {

    private static final Duration WITHIN_A_SECOND = Duration.ofSeconds(1);

    @Autowired
    TestUsers testUsers;

    @Autowired
    UserRepository users;

    @Autowired
    LoginThrottle throttle;

    @BeforeEach
    void freshThrottle() {
        throttle.clear();
    }

    @Test
    void disablingAnAgentEndsTheirSessionsAndClosesTheirConsoleAndMediaSockets() {
        String name = testUsers.create(Role.AGENT);
        WebClientSession agent = signedIn(name);
        WebClientSession otherBrowser = signedIn(name);
        assertThat(agent.get("/api/calls").statusCode()).isEqualTo(200);

        try (CallHarness call = new CallHarness(port, agent)) {
            call.dial("Revoked");
            call.answer();
            call.talk(440, 880);
            await().atMost(Duration.ofSeconds(5)).until(() -> call.callerMedia.framesReceived() > 5);

            long start = System.nanoTime();
            WebClientSession admin = signedInAdmin();
            admin.get("/users");
            assertThat(admin.postForm("/users/" + idOf(name) + "/enabled", Map.of("enabled", "false")).body())
                    .contains("User disabled.");

            await().atMost(WITHIN_A_SECOND).until(() -> call.agent.isClosed() && call.agentMedia.isClosed());
            assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(2).toNanos());
            assertThat(call.agent.closeCode()).isEqualTo(4401);
            assertThat(call.agentMedia.closeCode()).isEqualTo(4401);
            // The caller's side is not the agent's account: untouched.
            assertThat(call.callerMedia.isClosed()).isFalse();
        }
        assertThat(agent.get("/api/calls").statusCode()).isEqualTo(401);
        assertThat(otherBrowser.get("/").headers().firstValue("Location")).hasValue("/login");
        // Gone for good, not only for one request: the session was invalidated.
        assertThat(agent.get("/").headers().firstValue("Location")).hasValue("/login");
    }

    @Test
    void aDemotedAdminCanNoLongerCreateAdminsFromTheOldSession() {
        String name = testUsers.create(Role.ADMIN);
        WebClientSession demoted = signedIn(name);
        demoted.get("/users");
        EventSocketClient console = EventSocketClient.agent(port, demoted);

        WebClientSession admin = signedInAdmin();
        admin.get("/users");
        assertThat(admin.postForm("/users/" + idOf(name) + "/role", Map.of("role", "AGENT")).body())
                .contains("Role changed.");

        await().atMost(WITHIN_A_SECOND).until(console::isClosed);
        assertThat(console.closeCode()).isEqualTo(4401);
        var attempt = demoted.postForm("/users", Map.of("username", "sneaky-admin", "password",
                "Correct-Horse-Battery-9", "role", "ADMIN"));
        assertThat(attempt.statusCode()).isEqualTo(302);
        assertThat(attempt.headers().firstValue("Location")).hasValue("/login");
        assertThat(users.findByUsername("sneaky-admin")).isEmpty();
        // Signing in again gives the new role only.
        WebClientSession again = signedIn(name);
        assertThat(again.get("/users").statusCode()).isEqualTo(403);
    }

    @Test
    void anAdminPasswordResetEndsEverySessionOfTheUser() {
        String name = testUsers.create(Role.AGENT);
        WebClientSession first = signedIn(name);
        WebClientSession second = signedIn(name);
        EventSocketClient console = EventSocketClient.agent(port, first);

        WebClientSession admin = signedInAdmin();
        admin.get("/users");
        assertThat(admin.postForm("/users/" + idOf(name) + "/password", Map.of("password", "Reset-Walnut-Harbor-7"))
                .body()).contains("Password reset");

        await().atMost(WITHIN_A_SECOND).until(console::isClosed);
        assertThat(console.closeCode()).isEqualTo(4401);
        assertThat(first.get("/api/calls").statusCode()).isEqualTo(401);
        assertThat(second.get("/api/calls").statusCode()).isEqualTo(401);
    }

    @Test
    void changingOwnPasswordKeepsThisSessionAndEndsTheOthers() {
        String name = testUsers.create(Role.AGENT);
        WebClientSession here = signedIn(name);
        WebClientSession elsewhere = signedIn(name);
        EventSocketClient elsewhereConsole = EventSocketClient.agent(port, elsewhere);

        here.get("/account/password");
        var changed = here.postForm("/account/password", Map.of("currentPassword", TestUsers.PASSWORD,
                "newPassword", "Quiet-Lantern-Meadow-4", "confirmPassword", "Quiet-Lantern-Meadow-4"));
        assertThat(changed.headers().firstValue("Location")).hasValue("/?passwordChanged");

        await().atMost(WITHIN_A_SECOND).until(elsewhereConsole::isClosed);
        assertThat(elsewhereConsole.closeCode()).isEqualTo(4401);
        assertThat(elsewhere.get("/api/calls").statusCode()).isEqualTo(401);
        assertThat(here.get("/api/calls").statusCode()).isEqualTo(200);
        assertThat(here.get("/").statusCode()).isEqualTo(200);
    }

    private WebClientSession signedIn(String name) {
        WebClientSession session = newSession();
        assertThat(session.signIn(name, TestUsers.PASSWORD).headers().firstValue("Location")).hasValue("/");
        return session;
    }

    private String idOf(String name) {
        return users.findByUsername(name).orElseThrow().id();
    }
}
