package org.callvault.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.callvault.support.DatabaseIndependent;
import org.callvault.support.Endpoint;
import org.callvault.support.EventSocketClient;
import org.callvault.support.RedisServer;
import org.callvault.support.ServerProcess;
import org.callvault.support.SipTestPhone;
import org.callvault.support.TestDatabases;
import org.callvault.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Issue 19 point 2 after a Redis outage (its own redis-server, killed): what node a published
 * meanwhile was lost, so node b's console still shows a call that ended and misses one that began
 * ringing (over SIP: browser dials are refused while Redis is down). Once Redis is back, node b's
 * console gets a {@code resync} without the first and with the second, and can answer the second.
 */
@DatabaseIndependent
class CrossNodeResyncIT {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the servers' logs
    Path dir;

    @Test
    void afterRedisIsBackNodeBsConsoleDropsTheCallThatEndedAndShowsTheOneThatRang() throws Exception {
        String engine = "postgresql".equals(TestDatabases.forIntegrationTests()) ? "postgresql" : "mariadb";
        int sipA = ServerProcess.freePort();
        try (TestDatabase database = TestDatabases.create(engine); RedisServer redis = RedisServer.start()) {
            String[] shared = { "--spring.datasource.url=" + database.url(),
                    "--spring.datasource.username=" + database.username(),
                    "--spring.datasource.password=" + database.password(), "--callvault.redis.url=" + redis.url(),
                    "--callvault.redis.key-prefix=callvault:test-" + UUID.randomUUID() + ":",
                    "--callvault.calls.ring-timeout=60s" };
            try (ServerProcess a = ServerProcess.start(Files.createDirectories(dir.resolve("a")),
                    NodeAgents.with(shared, "--callvault.node.id=a", "--callvault.sip.port=" + sipA));
                    ServerProcess b = ServerProcess.start(Files.createDirectories(dir.resolve("b")),
                            NodeAgents.with(shared, "--callvault.node.id=b"));
                    EventSocketClient consoleA = EventSocketClient.open(Endpoint.local(a.port), "agent", a.signedInAdmin());
                    EventSocketClient consoleB = EventSocketClient.open(Endpoint.local(b.port), "agent", b.signedInAdmin());
                    EventSocketClient caller = EventSocketClient.open(Endpoint.local(a.port), "caller", null);
                    SipTestPhone phone = new SipTestPhone(sipA)) {
                caller.sendJson("type", "dial", "callerName", "Ends unheard");
                String ended = caller.awaitType("leg").path("callId").asString();
                consoleB.awaitCallState(ended, "ringing");
                consoleA.sendJson("type", "answer", "callId", ended);
                consoleB.awaitCallState(ended, "answered");

                redis.kill();

                caller.sendJson("type", "hangup", "callId", ended);
                consoleA.awaitCallState(ended, "ended");
                phone.invite("Rings unheard", "+15550002222", "PCMU");
                String rang = consoleA.awaitSipCall("ringing").path("id").asString();
                // Node b heard of neither: its console shows the first answered and lacks the second.
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> consoleB.messages()
                        .stream().noneMatch(m -> rang.equals(m.at("/call/id").asString())
                                || ended.equals(m.at("/call/id").asString()) && "ended".equals(m.at("/call/state").asString())));

                long restarted = System.nanoTime();
                redis.restart();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                        .until(() -> resyncListing(consoleB, rang) != null);
                // A figure for docs/ARCHITECTURE.md: most of it is Lettuce's reconnect delay.
                System.out.printf("CrossNodeResyncIT: resync on node b %d ms after Redis restarted%n",
                        (System.nanoTime() - restarted) / 1_000_000);
                JsonNode resync = resyncListing(consoleB, rang);
                assertThat(CrossNodeWelcomeIT.listed(resync, ended)).as("the call that ended is gone").isNull();
                assertThat(CrossNodeWelcomeIT.listed(resync, rang).path("state").asString()).isEqualTo("ringing");
                assertThat(CrossNodeWelcomeIT.listed(resync, rang).path("source").asString()).isEqualTo("sip");

                // Known again on node b: answering it from there reaches node a, which decides.
                consoleB.sendJson("type", "answer", "callId", rang);
                assertThat(phone.awaitFinal(Duration.ofSeconds(10))).startsWith("SIP/2.0 200");
                assertThat(consoleA.awaitCallState(rang, "answered").at("/call/agent").asString()).isEqualTo("admin");
                consoleB.awaitType("media");
                phone.bye();
                consoleB.awaitCallState(rang, "ended");
            }
        }
    }

    /** The first {@code resync} that lists {@code callId}, or null. */
    private static JsonNode resyncListing(EventSocketClient console, String callId) {
        return console.messages().stream().filter(m -> "resync".equals(m.path("type").asString()))
                .filter(m -> CrossNodeWelcomeIT.listed(m, callId) != null).findFirst().orElse(null);
    }
}
