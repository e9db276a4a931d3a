package org.callvault.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.callvault.support.CallHarness;
import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

/**
 * Issue 17 point 9: display names, and deleting an account. The deleted user's session and API
 * token stop working at once; the calls they took stay in the history under their user name.
 */
@Import(TestUsers.class)
class UserDeletionIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Autowired
    UserRepository users;

    @Autowired
    UserService service;

    @Test
    void aDeletedAgentLosesSessionAndTokenAtOnceAndTheirCallsStayUnderTheirName() {
        String name = testUsers.create(Role.AGENT);
        WebClientSession agent = signedInAs(name);
        String token = createToken(agent);
        assertThat(bearer(agent, "/api/calls", token).statusCode()).isEqualTo(200);

        WebClientSession admin = signedInAdmin();
        admin.get("/users");
        assertThat(admin.postForm("/users/" + idOf(name) + "/display-name", Map.of("displayName", "  Maria Rossi "))
                .body()).contains("Display name changed.");

        String callId;
        try (CallHarness call = new CallHarness(port, agent)) {
            callId = call.dial("Deleted agent's caller");
            call.answer();
            assertThat(call.agent.awaitCallState(callId, "answered").path("call").path("agentName").asString())
                    .as("the console names the agent by display name").isEqualTo("Maria Rossi");
            call.talk(440, 880);
            await().atMost(Duration.ofSeconds(5)).until(() -> call.callerMedia.framesReceived() > 5);
            call.hangUpByCaller();
        }
        assertThat(admin.get("/recordings?agent=" + name).body()).contains("Maria Rossi");
        await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/agents/figures").body()
                .contains("<th scope=\"row\">Maria Rossi</th>"));
        assertThat(admin.get("/api/agents/figures?agent=" + name).body()).contains("\"agentName\":\"Maria Rossi\"");
        assertThat(admin.get("/api/calls/" + callId).body()).contains("\"agent\":\"" + name + "\"")
                .contains("\"agentName\":\"Maria Rossi\"");

        admin.get("/users");
        HttpResponse<String> deleted = admin.postForm("/users/" + idOf(name) + "/delete", Map.of("confirmed", "true"));
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(deleted.body()).contains("User deleted").doesNotContain("data-username=\"" + name + "\"");

        assertThat(users.findByUsername(name)).isEmpty();
        assertThat(agent.get("/api/calls").statusCode()).isEqualTo(401);
        assertThat(agent.get("/").headers().firstValue("Location")).hasValue("/login");
        assertThat(bearer(newSession(), "/api/calls", token).statusCode()).isEqualTo(401);
        // Calls keep the user name they were taken under; with the account gone, that is the name shown.
        assertThat(admin.get("/api/calls/" + callId).body()).contains("\"agent\":\"" + name + "\"")
                .contains("\"agentName\":\"" + name + "\"");
        assertThat(admin.get("/recordings?agent=" + name).body()).contains("data-call-id=\"" + callId + "\"")
                .contains(">" + name + "<");
        assertThat(admin.get("/agents/figures").body()).contains("<th scope=\"row\">" + name + "</th>");
        // A new account of the same name does not inherit the old token.
        service.create(name, TestUsers.PASSWORD + "-again", Role.AGENT, "test");
        assertThat(bearer(newSession(), "/api/calls", token).statusCode()).isEqualTo(401);
    }

    @Test
    void yourselfAndTheLastEnabledAdministratorCannotBeDeleted() {
        WebClientSession admin = signedInAdmin();
        admin.get("/users");
        HttpResponse<String> self = admin.postForm("/users/" + idOf("admin") + "/delete", Map.of("confirmed", "true"));
        assertThat(self.statusCode()).isEqualTo(409);
        assertThat(self.body()).contains("You cannot delete your own account.");
        assertThat(users.findByUsername("admin")).isPresent();

        // Over HTTP the last enabled admin is always the actor; the rule guards two admins deleting each
        // other at once (the admin rows are locked). Leave "admin" the only enabled one and ask directly.
        users.findAll().stream().filter(u -> u.role() == Role.ADMIN && u.enabled() && !u.username().equals("admin"))
                .forEach(u -> users.updateEnabled(u.id(), false, java.time.Instant.now()));
        assertThatThrownBy(() -> service.delete(idOf("admin"), "someone-else"))
                .isInstanceOf(UserConflictException.class)
                .hasMessage("The last enabled administrator cannot be deleted.");
        assertThat(users.findByUsername("admin")).isPresent();
    }

    @Test
    void unconfirmedOrUnknownDeletionsAreRefusedAndAgentsMayNotDelete() {
        String victim = testUsers.create(Role.AGENT);
        WebClientSession admin = signedInAdmin();
        admin.get("/users");
        HttpResponse<String> unconfirmed = admin.postForm("/users/" + idOf(victim) + "/delete", Map.of());
        assertThat(unconfirmed.statusCode()).isEqualTo(400);
        assertThat(users.findByUsername(victim)).isPresent();

        WebClientSession agent = signedInAs(testUsers.create(Role.AGENT));
        agent.get("/");
        assertThat(agent.postForm("/users/" + idOf(victim) + "/delete", Map.of("confirmed", "true")).statusCode())
                .isEqualTo(403);
        assertThat(users.findByUsername(victim)).isPresent();

        // Without the CSRF token even an admin's post is refused.
        assertThat(admin.postFormWithoutCsrf("/users/" + idOf(victim) + "/delete", Map.of("confirmed", "true"))
                .statusCode()).isEqualTo(403);
        assertThat(users.findByUsername(victim)).isPresent();
    }

    @Test
    void displayNamesAreValidatedAndAUserNamesThemselves() {
        String name = testUsers.create(Role.AGENT);
        WebClientSession agent = signedInAs(name);
        agent.get("/account/password");
        assertThat(agent.postForm("/account/display-name", Map.of("displayName", "Evil\u202Egnp.exe")).body())
                .contains("cannot contain control, direction or invisible characters");
        assertThat(agent.postForm("/account/display-name", Map.of("displayName", "x".repeat(81))).body())
                .contains("1 to 80 characters");
        assertThat(agent.postForm("/account/display-name", Map.of("displayName", "   ")).body())
                .contains("1 to 80 characters");
        assertThat(users.findByUsername(name).orElseThrow().displayName()).isEqualTo(name);
        assertThat(agent.postForm("/account/display-name", Map.of("displayName", "Jürgen Ærø")).body())
                .contains("Display name changed.");
        assertThat(users.findByUsername(name).orElseThrow().displayName()).isEqualTo("Jürgen Ærø");
        // The rename is no change of rights: the session goes on.
        assertThat(agent.get("/api/calls").statusCode()).isEqualTo(200);
        // An agent renames nobody else.
        assertThat(agent.postForm("/users/" + idOf("admin") + "/display-name", Map.of("displayName", "Boss"))
                .statusCode()).isEqualTo(403);
    }

    private String createToken(WebClientSession session) {
        session.get("/account/tokens");
        String body = session.postForm("/account/tokens", Map.of("name", "export")).body();
        return body.replaceAll("(?s).*data-testid=\"token-secret\">(cv_[A-Za-z0-9_-]+)<.*", "$1");
    }

    private static HttpResponse<String> bearer(WebClientSession session, String path, String token) {
        return session.send(HttpRequest.newBuilder(URI.create(session.baseUrl() + path))
                .header("Authorization", "Bearer " + token).GET().build());
    }

    private String idOf(String name) {
        return testUsers.idOf(name);
    }
}
