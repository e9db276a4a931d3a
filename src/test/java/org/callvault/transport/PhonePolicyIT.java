package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** An operator who closes the phone to the public, and the per-address limit on call attempts. */
@TestPropertySource(properties = { "callvault.calls.phone-requires-login=true", "callvault.calls.dials-per-minute=2" })
class PhonePolicyIT extends IntegrationTest {

    @Test
    void phoneNeedsSignInWhenConfigured() {
        var anonymous = newSession();
        var page = anonymous.get("/phone");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValue("/login");
        assertThat(EventSocketClient.refusedHandshakeStatus(port, "/ws/events?role=caller")).isIn(302, 401);
        assertThat(signedInAdmin().get("/phone").statusCode()).isEqualTo(200);
    }

    @Test
    void callAttemptsAreRateLimitedPerAddress() {
        // An agent console is open, so the calls ring (with nobody available they would be missed at once).
        try (EventSocketClient agent = EventSocketClient.agent(port, signedInAdmin());
                EventSocketClient caller = EventSocketClient.open(port, "caller", signedInAdmin())) {
            for (int i = 0; i < 2; i++) {
                caller.sendJson("type", "dial", "callerName", "Attempt " + i);
                String callId = caller.awaitType("leg").path("callId").asString();
                caller.sendJson("type", "hangup", "callId", callId);
                caller.awaitCallState(callId, "cancelled");
                caller.clear();
            }
            caller.sendJson("type", "dial", "callerName", "One too many");
            assertThat(caller.awaitError("rate_limited").path("message").asString()).contains("Too many calls");
        }
    }
}
