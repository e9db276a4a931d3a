package org.callvault.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;

import org.callvault.support.TestDatabases;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A first start without a configured admin password: admin / admin123, to be changed at once. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "callvault.sip.port=0")
class ForcedPasswordChangeIT {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void freshDatabase(DynamicPropertyRegistry registry) throws IOException {
        var db = TestDatabases.create(TestDatabases.forIntegrationTests());
        var recordings = Files.createTempDirectory("callvault-forced");
        registry.add("spring.datasource.url", db::url);
        registry.add("spring.datasource.username", db::username);
        registry.add("spring.datasource.password", db::password);
        registry.add("callvault.recordings.dir", recordings::toString);
        Runtime.getRuntime().addShutdownHook(new Thread(db::close));
    }

    @Test
    void defaultPasswordMustBeReplacedBeforeAnythingElse() {
        WebClientSession session = new WebClientSession(port);
        assertThat(session.signIn("admin", "admin123").statusCode()).isEqualTo(302);

        // Every page leads to the password form; every API call is refused.
        for (String page : new String[] { "/", "/users", "/calls", "/recordings" }) {
            HttpResponse<String> response = session.get(page);
            assertThat(response.statusCode()).as(page).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).as(page).hasValue("/account/password");
        }
        HttpResponse<String> api = session.get("/api/calls");
        assertThat(api.statusCode()).isEqualTo(403);
        assertThat(api.body()).contains("password_change_required");

        HttpResponse<String> form = session.get("/account/password");
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("Choose a new password");

        // Refusals keep the lock: wrong current password, too short, the default again, mismatch.
        assertThat(change(session, "wrong-password", "a-good-new-password", "a-good-new-password"))
                .contains("current password is not correct");
        assertThat(change(session, "admin123", "short", "short")).contains("at least 10 characters");
        assertThat(change(session, "admin123", "a-good-new-password", "another-password")).contains("differ");
        assertThat(session.get("/").statusCode()).isEqualTo(302);

        session.get("/account/password");
        HttpResponse<String> changed = session.postForm("/account/password", Map.of("currentPassword", "admin123",
                "newPassword", "a-good-new-password", "confirmPassword", "a-good-new-password"));
        assertThat(changed.statusCode()).isEqualTo(303);
        assertThat(changed.headers().firstValue("Location")).hasValue("/?passwordChanged");
        assertThat(session.get("/").statusCode()).isEqualTo(200);

        // The default no longer opens anything; the new password does, without a forced change.
        WebClientSession again = new WebClientSession(port);
        assertThat(again.signIn("admin", "admin123").headers().firstValue("Location")).hasValue("/login?error");
        assertThat(again.signIn("admin", "a-good-new-password").headers().firstValue("Location")).hasValue("/");
        assertThat(again.get("/").statusCode()).isEqualTo(200);
    }

    private static String change(WebClientSession session, String current, String next, String confirm) {
        session.get("/account/password");
        HttpResponse<String> response = session.postForm("/account/password",
                Map.of("currentPassword", current, "newPassword", next, "confirmPassword", confirm));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
