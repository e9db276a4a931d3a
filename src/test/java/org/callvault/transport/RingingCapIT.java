package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;

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

import tools.jackson.databind.JsonNode;

/** At most {@code callvault.calls.max-ringing} calls ring at once, whoever dials them. */
@Import(TestUsers.class)
@TestPropertySource(properties = "callvault.calls.max-ringing=3")
class RingingCapIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Test
    void aDialOverTheCapIsRefusedAtOnceWithLinesBusyAndAFreedLineCanBeUsed() {
        WebClientSession agentLogin = newSession();
        agentLogin.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        List<EventSocketClient> callers = new ArrayList<>();
        try (EventSocketClient console = EventSocketClient.agent(port, agentLogin)) {
            List<String> ringing = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                EventSocketClient caller = EventSocketClient.caller(port);
                callers.add(caller);
                caller.sendJson("type", "dial", "callerName", "Caller " + i);
                ringing.add(caller.awaitType("leg").path("callId").asString());
            }
            EventSocketClient fourth = EventSocketClient.caller(port);
            callers.add(fourth);
            long start = System.nanoTime();
            fourth.sendJson("type", "dial", "callerName", "One too many");
            JsonNode refused = fourth.awaitError("lines_busy");
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms until refused").isLessThan(1000);
            assertThat(refused.path("ref").asString()).isEqualTo("dial");
            assertThat(fourth.messages()).noneMatch(m -> "leg".equals(m.path("type").asString()));
            ringing.forEach(id -> console.awaitCallState(id, "ringing"));
            assertThat(console.messages().stream().filter(m -> "call".equals(m.path("type").asString())))
                    .as("calls the console saw").hasSize(3);

            // One caller gives up: its line is free for the fourth.
            callers.get(0).sendJson("type", "hangup", "callId", ringing.get(0));
            console.awaitCallState(ringing.get(0), "cancelled");
            fourth.sendJson("type", "dial", "callerName", "Now there is room");
            String admitted = fourth.awaitType("leg").path("callId").asString();
            console.awaitCallState(admitted, "ringing");
        }
        finally {
            callers.forEach(EventSocketClient::close);
        }
    }
}
