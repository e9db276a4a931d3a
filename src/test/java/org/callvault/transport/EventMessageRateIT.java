package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.junit.jupiter.api.Test;


/** Event sockets take 20 messages a second with a burst of 40 (the defaults); the excess is dropped unread. */
class EventMessageRateIT extends IntegrationTest {

    @Test
    void messagesOverTheRateAreDroppedWithOneRateLimitedErrorAndTheSocketStaysOpen() {
        try (EventSocketClient caller = EventSocketClient.caller(port)) {
            long start = System.nanoTime();
            for (int i = 0; i < 120; i++) {
                caller.sendJson("type", "hangup", "callId", UUID.randomUUID());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            caller.awaitError("rate_limited");
            // Each hangup that got through cost a query and answers not_found; the rest cost nothing.
            long answeredAtMost = 40 + Math.round(seconds * 20) + 1;
            await().atMost(Duration.ofSeconds(5)).until(() -> errors(caller, "not_found") >= 40);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> errors(caller, "not_found") <= answeredAtMost);
            assertThat(errors(caller, "rate_limited")).isBetween(1L, Math.round(seconds) + 1);
            assertThat(caller.isClosed()).isFalse();
            // The allowance comes back with time.
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
                caller.sendJson("type", "ping");
                return caller.messages().stream().anyMatch(m -> "pong".equals(m.path("type").asString()));
            });
        }
    }

    @Test
    void aSocketThatKeepsFloodingIsClosedWith1008() {
        try (EventSocketClient caller = EventSocketClient.caller(port)) {
            for (int i = 0; i < 2000 && !caller.isClosed(); i++) {
                try {
                    caller.sendJson("type", "hangup", "callId", UUID.randomUUID());
                }
                catch (RuntimeException closed) {
                    break;
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(caller::isClosed);
            // 1008, or -1 when the close frame races the client's own sends and the kernel resets the
            // connection (a flooder is still writing); either way the socket is gone.
            assertThat(caller.closeCode()).isIn(1008, -1);
            assertThat(errors(caller, "not_found")).isLessThan(200);
        }
    }

    private static long errors(EventSocketClient client, String code) {
        return client.messages().stream().filter(m -> "error".equals(m.path("type").asString()))
                .map(m -> m.path("code").asString()).filter(code::equals).count();
    }
}
