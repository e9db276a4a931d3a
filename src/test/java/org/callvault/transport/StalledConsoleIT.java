package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.callvault.support.RawWebSocket;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * A console that stops reading while calls come and go is closed with 1008 after a bounded number
 * of stale events, not after thousands. (The message rate is raised here only so that a few caller
 * sockets can make 1,000 call events quickly; calls wait when nobody is available, so they keep
 * ringing once the stalled console, the only one, is closed.)
 */
@Import(TestUsers.class)
@TestPropertySource(properties = { "callvault.sockets.messages-per-second=1000",
        "callvault.sockets.message-burst=1000", "callvault.calls.when-nobody-available=wait" })
class StalledConsoleIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Test
    void aStalledConsoleGetsAFewHundredStaleEventsAtMostThen1008() throws Exception {
        WebClientSession agentLogin = newSession();
        agentLogin.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        try (RawWebSocket console = RawWebSocket.open(port, "/ws/events?role=agent", agentLogin.cookieHeader())) {
            // The console reads nothing from here on, while 500 calls ring and are cancelled.
            List<EventSocketClient> callers = new ArrayList<>();
            AtomicInteger cancelled = new AtomicInteger();
            long generationMillis;
            // Each call waits for two answers; the default 100 ms polls would make this take minutes.
            Awaitility.setDefaultPollInterval(Duration.ofMillis(2));
            Awaitility.setDefaultPollDelay(Duration.ZERO);
            try {
                for (int i = 0; i < 5; i++) {
                    callers.add(EventSocketClient.caller(port));
                }
                long start = System.nanoTime();
                callers.parallelStream().forEach(caller -> {
                    for (int call = 0; call < 100; call++) {
                        caller.clear();
                        caller.sendJson("type", "dial", "callerName", "Churn " + call);
                        String callId = caller.awaitType("leg").path("callId").asString();
                        caller.sendJson("type", "hangup", "callId", callId);
                        caller.awaitCallState(callId, "cancelled");
                        cancelled.incrementAndGet();
                    }
                });
                generationMillis = (System.nanoTime() - start) / 1_000_000;
                assertThat(cancelled.get()).isEqualTo(500);
            }
            finally {
                Awaitility.reset();
                callers.forEach(EventSocketClient::close);
            }

            // Now it reads again: what was in flight, then the close.
            int events = 0;
            int closeCode = -1;
            for (;;) {
                RawWebSocket.Frame frame;
                try {
                    frame = console.read();
                }
                catch (EOFException dropped) {
                    break; // closed without a close frame: still no more than what is asserted below
                }
                if (frame.opcode() == RawWebSocket.OPCODE_TEXT) {
                    events++;
                }
                else if (frame.opcode() == RawWebSocket.OPCODE_CLOSE) {
                    closeCode = frame.closeCode();
                    break;
                }
            }
            System.out.printf("%d calls in %d ms; ", cancelled.get(), generationMillis);
            System.out.printf("stalled console read %d events, then close %d%n", events, closeCode);
            assertThat(closeCode).isEqualTo(1008);
            assertThat(events).as("stale events delivered before the close").isLessThan(300);
        }
    }
}
