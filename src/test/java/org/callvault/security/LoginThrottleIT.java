package org.callvault.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditLog;
import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

@Import(TestUsers.class)
@TestPropertySource(properties = { "callvault.security.max-failures-per-account=3",
        "callvault.security.max-failures-per-address=8" })
class LoginThrottleIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Autowired
    LoginThrottle throttle;

    @Autowired
    AuditLog audit;

    @Test
    void accountIsThrottledAfterRepeatedFailuresEvenWithTheRightPassword() {
        purge();
        String agent = testUsers.create(Role.AGENT);
        WebClientSession session = newSession();
        for (int i = 0; i < 3; i++) {
            assertThat(session.signIn(agent, "wrong-" + i).headers().firstValue("Location")).hasValue("/login?error");
        }
        long throttledBefore = audit.count(AuditAction.SIGN_IN_THROTTLED);
        var refused = session.signIn(agent, TestUsers.PASSWORD);
        assertThat(refused.statusCode()).isEqualTo(302);
        assertThat(refused.headers().firstValue("Location").orElseThrow()).startsWith("/login?throttled=");
        assertThat(session.get("/").statusCode()).isEqualTo(302);
        assertThat(audit.count(AuditAction.SIGN_IN_THROTTLED)).isEqualTo(throttledBefore + 1);
        assertThat(session.get(refused.headers().firstValue("Location").orElseThrow()).body())
                .contains("Too many failed sign-ins");
        purge();
    }

    @Test
    void addressIsThrottledAfterFailuresAcrossManyAccounts() {
        purge();
        WebClientSession session = newSession();
        for (int i = 0; i < 8; i++) {
            session.signIn("nobody-" + i, "guess");
        }
        String agent = testUsers.create(Role.AGENT);
        var refused = session.signIn(agent, TestUsers.PASSWORD);
        assertThat(refused.headers().firstValue("Location").orElseThrow()).startsWith("/login?throttled=");
        purge();
    }

    /** Every test signs in from 127.0.0.1: start each from a clean slate. */
    private void purge() {
        throttle.clear();
    }
}
