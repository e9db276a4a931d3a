package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
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

/** One address holds at most {@code callvault.sockets.anonymous-per-address} anonymous event sockets. */
@Import(TestUsers.class)
@TestPropertySource(properties = "callvault.sockets.anonymous-per-address=5")
class AnonymousSocketLimitIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Test
    void theSocketOverTheAddressShareIsClosedWith4429AndSignedInSocketsDoNotCount() {
        List<EventSocketClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                open.add(EventSocketClient.caller(port)); // each got its welcome
            }
            assertThat(EventSocketClient.closeCodeOf(port, "/ws/events?role=caller")).isEqualTo(4429);
            assertThat(EventSocketClient.closeCodeOf(port, "/ws/events?role=caller")).isEqualTo(4429);
            assertThat(open).noneMatch(EventSocketClient::isClosed);

            WebClientSession agentLogin = newSession();
            agentLogin.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
            try (EventSocketClient console = EventSocketClient.agent(port, agentLogin)) {
                assertThat(console.isClosed()).isFalse();
            }

            // A closed socket gives its place back.
            open.remove(0).close();
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                try (EventSocketClient again = EventSocketClient.caller(port)) {
                    return !again.isClosed();
                }
                catch (RuntimeException refused) {
                    return false;
                }
            });
        }
        finally {
            open.forEach(EventSocketClient::close);
        }
    }
}
