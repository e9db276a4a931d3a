package org.callvault.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditLog;
import org.callvault.support.IntegrationTest;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class SignInIT extends IntegrationTest {

    @Autowired
    AuditLog audit;

    @Test
    void anonymousPageVisitIsSentToTheSignInForm() {
        HttpResponse<String> response = newSession().get("/");
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValue("/login");
    }

    @Test
    void signInFormPostsUsernameAndPasswordWithCsrfToken() {
        WebClientSession session = newSession();
        HttpResponse<String> page = session.get("/login");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("name=\"username\"").contains("name=\"password\"").contains("name=\"_csrf\"");
        assertThat(page.body()).doesNotContain("Wrong user name").doesNotContain("Too many").doesNotContain("signed out");
        assertThat(session.get("/login?error").body()).contains("Wrong user name").doesNotContain("signed out");
        assertThat(session.csrfToken()).isNotBlank();
    }

    @Test
    void rightPasswordOpensTheDashboardAndIsAudited() {
        long before = audit.count(AuditAction.SIGN_IN);
        WebClientSession session = newSession();
        HttpResponse<String> login = session.signIn("admin", ADMIN_PASSWORD);
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).hasValue("/");

        HttpResponse<String> dashboard = session.get("/");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("Dashboard").contains("Calls today").contains("Sign out");
        assertThat(audit.count(AuditAction.SIGN_IN)).isEqualTo(before + 1);
    }

    @Test
    void sessionCookieIsHttpOnlyAndSameSite() {
        WebClientSession session = newSession();
        session.get("/login");
        HttpResponse<String> login = session.postForm("/login", Map.of("username", "admin", "password", ADMIN_PASSWORD));
        String cookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("SESSION="))
                .findFirst().orElseThrow();
        assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax");
    }

    @Test
    void wrongPasswordIsRefusedAndAudited() {
        long before = audit.count(AuditAction.SIGN_IN_FAILED);
        WebClientSession session = newSession();
        HttpResponse<String> login = session.signIn("admin", "not-the-password");
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).hasValue("/login?error");
        assertThat(session.get("/").statusCode()).isEqualTo(302);
        assertThat(audit.count(AuditAction.SIGN_IN_FAILED)).isEqualTo(before + 1);
    }

    @Test
    void signOutEndsTheSession() {
        WebClientSession session = signedInAdmin();
        assertThat(session.get("/").statusCode()).isEqualTo(200);
        HttpResponse<String> logout = session.postForm("/logout", Map.of());
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(logout.headers().firstValue("Location")).hasValue("/login?logout");
        assertThat(session.get("/").statusCode()).isEqualTo(302);
    }

    @Test
    void formsWithoutCsrfTokenAreRejected() {
        WebClientSession session = newSession();
        session.get("/login");
        HttpResponse<String> login = session.postFormWithoutCsrf("/login",
                Map.of("username", "admin", "password", ADMIN_PASSWORD));
        assertThat(login.statusCode()).isEqualTo(403);

        WebClientSession admin = signedInAdmin();
        HttpResponse<String> create = admin.postFormWithoutCsrf("/users",
                Map.of("username", "csrfvictim", "password", "long-enough-pass", "role", "ADMIN"));
        assertThat(create.statusCode()).isEqualTo(403);
        assertThat(admin.get("/users").body()).doesNotContain("csrfvictim");
    }
}
