package org.callvault.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditLog;
import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 14, points 4 and 5: attempts are reserved before the password is checked, so simultaneous
 * guesses are checked at most up to the limit; strangers' failures do not lock out a browser that
 * signed in before (device cookie); unknown names cost a hash check like known ones; a lock-out
 * writes one audit row, not one per refused request.
 */
@Import(TestUsers.class)
@TestPropertySource(properties = { "callvault.security.max-failures-per-account=3",
        "callvault.security.max-failures-per-address=8", "callvault.security.max-failures-per-device=3" })
class SignInThrottlingIT extends IntegrationTest {

    private static final String ERROR = "/login?error";

    @Autowired
    TestUsers testUsers;

    @Autowired
    LoginThrottle throttle;

    @Autowired
    AuditLog audit;

    @BeforeEach
    void freshThrottle() {
        throttle.clear();
    }

    @Test
    void sixtySimultaneousWrongPasswordsAreCheckedAtMostUpToTheLimit() throws Exception {
        String agent = testUsers.create(Role.AGENT);
        WebClientSession attacker = newSession();
        attacker.get("/login");
        long failedBefore = audit.count(AuditAction.SIGN_IN_FAILED);
        long throttledBefore = audit.count(AuditAction.SIGN_IN_THROTTLED);

        int attempts = 60;
        List<String> outcomes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(attempts);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                String guess = "wrong-guess-" + i;
                responses.add(pool.submit(() -> {
                    start.await();
                    return attacker.postForm("/login", Map.of("username", agent, "password", guess));
                }));
            }
            start.countDown();
            for (Future<HttpResponse<String>> response : responses) {
                outcomes.add(response.get().headers().firstValue("Location").orElse("none"));
            }
        }
        finally {
            pool.shutdownNow();
        }

        long checked = outcomes.stream().filter(ERROR::equals).count();
        long throttled = outcomes.stream().filter(l -> l.startsWith("/login?throttled=")).count();
        assertThat(checked).as("attempts whose password was checked against the hash").isEqualTo(3);
        assertThat(throttled).isEqualTo(attempts - 3);
        assertThat(audit.count(AuditAction.SIGN_IN_FAILED) - failedBefore).isEqualTo(3);
        // One row tells of the lock-out; not 57.
        assertThat(audit.count(AuditAction.SIGN_IN_THROTTLED) - throttledBefore).isEqualTo(1);
    }

    @Test
    void strangersFailuresDoNotLockOutABrowserThatSignedInBefore() {
        String agent = testUsers.create(Role.AGENT);
        WebClientSession realBrowser = newSession();
        assertThat(location(realBrowser.signIn(agent, TestUsers.PASSWORD))).isEqualTo("/");
        HttpCookie device = deviceCookie(realBrowser);
        assertThat(device.isHttpOnly()).isTrue();
        assertThat(device.getPath()).isEqualTo("/login");
        realBrowser.get("/");
        realBrowser.postForm("/logout", Map.of());

        long throttledBefore = audit.count(AuditAction.SIGN_IN_THROTTLED);
        WebClientSession attacker = newSession();
        for (int i = 0; i < 10; i++) {
            attacker.signIn(agent, "guess-" + i);
        }
        // The untrusted budget of the account is spent: even the right password is refused there...
        assertThat(location(attacker.signIn(agent, TestUsers.PASSWORD))).startsWith("/login?throttled=");
        // ...and from a browser with a forged or altered device cookie.
        WebClientSession forger = newSession();
        forger.cookies().getCookieStore().add(URI.create(forger.baseUrl()), cookie(device.getValue() + "x"));
        assertThat(location(forger.signIn(agent, TestUsers.PASSWORD))).startsWith("/login?throttled=");
        // A device cookie earned by another account does not count for this one.
        String other = testUsers.create(Role.AGENT);
        WebClientSession otherBrowser = newSession();
        assertThat(location(otherBrowser.signIn(other, TestUsers.PASSWORD))).isEqualTo("/");
        WebClientSession borrowed = newSession();
        borrowed.cookies().getCookieStore().add(URI.create(borrowed.baseUrl()),
                cookie(deviceCookie(otherBrowser).getValue()));
        assertThat(location(borrowed.signIn(agent, TestUsers.PASSWORD))).startsWith("/login?throttled=");

        // The real user's browser gets in.
        assertThat(location(realBrowser.signIn(agent, TestUsers.PASSWORD))).isEqualTo("/");
        assertThat(realBrowser.get("/").statusCode()).isEqualTo(200);
        // Eight refused attempts on one locked account: one audit row.
        assertThat(audit.count(AuditAction.SIGN_IN_THROTTLED) - throttledBefore).isEqualTo(1);
    }

    @Test
    void aTrustedBrowserHasItsOwnBoundedBudget() {
        String agent = testUsers.create(Role.AGENT);
        WebClientSession browser = newSession();
        assertThat(location(browser.signIn(agent, TestUsers.PASSWORD))).isEqualTo("/");
        assertThat(deviceCookie(browser).getValue()).isNotBlank();
        browser.get("/");
        browser.postForm("/logout", Map.of());
        for (int i = 0; i < 3; i++) {
            assertThat(location(browser.signIn(agent, "typo-" + i))).isEqualTo(ERROR);
        }
        assertThat(location(browser.signIn(agent, TestUsers.PASSWORD))).startsWith("/login?throttled=");
    }

    @Test
    void unknownNamesCostAsMuchTimeAsKnownOnes() {
        String agent = testUsers.create(Role.AGENT);
        WebClientSession session = newSession();
        session.signIn("warm-up-" + agent, "not-the-password");
        List<Long> known = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            known.add(timedFailure(session, agent));
            unknown.add(timedFailure(session, "nobody-" + i + "-" + agent));
        }
        long knownMedian = median(known);
        long unknownMedian = median(unknown);
        // Before: 7-31 ms for unknown names against 81-200 ms for known ones (a hash check).
        assertThat(unknownMedian).as("median ms for unknown names, against %d ms for a known one", knownMedian)
                .isGreaterThanOrEqualTo(knownMedian * 6 / 10);
    }

    private long timedFailure(WebClientSession session, String name) {
        throttle.clear();
        session.get("/login");
        long start = System.nanoTime();
        var response = session.postForm("/login", Map.of("username", name, "password", "not-the-password"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(location(response)).isEqualTo(ERROR);
        return millis;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static HttpCookie deviceCookie(WebClientSession session) {
        return session.cookies().getCookieStore().getCookies().stream()
                .filter(c -> DeviceCookies.NAME.equals(c.getName())).findFirst().orElseThrow();
    }

    private static HttpCookie cookie(String value) {
        HttpCookie cookie = new HttpCookie(DeviceCookies.NAME, value);
        cookie.setPath("/login");
        cookie.setVersion(0);
        return cookie;
    }

    private static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location").orElse("none");
    }
}
