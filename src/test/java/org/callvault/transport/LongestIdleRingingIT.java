package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/** Issue 17 point 5: longest-idle rings one agent at a time and moves on after {@code ring-each}. */
@Import(TestUsers.class)
@TestPropertySource(properties = { "callvault.calls.ring-strategy=longest-idle", "callvault.calls.ring-each=1s",
        "callvault.calls.ring-timeout=20s" })
class LongestIdleRingingIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    private EventSocketClient console() {
        WebClientSession login = newSession();
        login.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        return EventSocketClient.agent(port, login);
    }

    private static boolean rang(EventSocketClient console, String callId) {
        return console.messages().stream().anyMatch(m -> "call".equals(m.path("type").asString())
                && callId.equals(m.path("call").path("id").asString())
                && "ringing".equals(m.path("call").path("state").asString()));
    }

    @Test
    void ringsOneAgentThenMovesOnAfterTheRingEachTime() {
        try (EventSocketClient a = console(); EventSocketClient b = console();
                EventSocketClient caller = EventSocketClient.caller(port)) {
            // Measured from the dial: the first ring follows it, so the second is at least ring-each after
            // it, however late this thread sees either ring (Awaitility polls).
            long dialed = System.nanoTime();
            caller.sendJson("type", "dial", "callerName", "One at a time");
            String callId = caller.awaitType("leg").path("callId").asString();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> rang(a, callId) || rang(b, callId));
            EventSocketClient first = rang(a, callId) ? a : b;
            EventSocketClient second = first == a ? b : a;
            assertThat(rang(second, callId)).as("only one agent rings at first").isFalse();

            // The agent it does not ring at may not take it.
            second.sendJson("type", "answer", "callId", callId);
            assertThat(second.awaitError("forbidden").path("message").asString()).contains("ringing at another agent");

            second.awaitCallState(callId, "ringing");
            assertThat(Duration.ofNanos(System.nanoTime() - dialed)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(first.messages().stream().filter(m -> "offer_withdrawn".equals(m.path("type").asString()))
                    .map(m -> m.path("callId").asString()).toList()).isEqualTo(List.of(callId));

            second.sendJson("type", "answer", "callId", callId);
            first.awaitCallState(callId, "answered");
            caller.sendJson("type", "hangup", "callId", callId);
            second.awaitCallState(callId, "ended");
        }
    }
}
