package org.callvault.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import java.nio.file.Path;

import org.callvault.media.ToneDetector;
import org.callvault.media.ToneGenerator;
import org.callvault.recording.WavFileWriter;
import org.callvault.support.Chromium;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingRepository.StoredRecording;
import org.callvault.recording.RecordingStore;
import org.callvault.security.LoginThrottle;
import org.callvault.support.CallHarness;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.Endpoint;
import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.callvault.support.Nginx;
import org.callvault.support.Recordings;
import org.callvault.support.TestUsers;
import org.callvault.support.WavFile;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.JsonNode;

/**
 * The README's nginx recipe, run for real in front of the server. nginx connects to the server from
 * 127.0.0.3 (proxy_bind), the only trusted proxy here, so the test client on 127.0.0.1 is an
 * ordinary untrusted client behind it, as on a real network. Boot's own forwarded-header strategy is
 * switched on too, as the README used to advise: it must not matter.
 */
@DatabaseIndependent
@Import(TestUsers.class)
@TestPropertySource(properties = { "callvault.proxy.trusted-proxies=127.0.0.3", "server.forward-headers-strategy=framework" })
class ReverseProxyIT extends IntegrationTest {

    private static Nginx nginx;

    @Autowired
    TestUsers testUsers;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    RecordingStore store;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    LoginThrottle throttle;

    @BeforeEach
    void startNginx() throws Exception {
        if (nginx == null) {
            nginx = Nginx.start(port, "127.0.0.3");
        }
        throttle.clear(); // every client here is 127.0.0.1: one test's throttle must not refuse the next
    }

    @AfterAll
    static void stopNginx() {
        if (nginx != null) {
            nginx.close();
            nginx = null;
        }
    }

    @Test
    void aWholeCallThroughNginxOverHttp() throws Exception {
        callThrough(nginx.http());
    }

    @Test
    void aWholeCallThroughNginxOverHttps() throws Exception {
        callThrough(nginx.https());
    }

    @Test
    void mediaTokensStayOutOfTheAccessLog() throws Exception {
        callThrough(nginx.http());
        await().atMost(Duration.ofSeconds(5)).until(() -> nginx.accessLog().contains("/ws/media"));
        assertThat(nginx.accessLog()).doesNotContain("token=");
    }

    @Test
    void aForgedForwardedForNeitherEscapesTheAddressThrottleNorLandsInTheAuditLog() {
        WebClientSession attacker = new WebClientSession(nginx.http());
        int throttled = 0;
        for (int i = 0; i < 25; i++) {
            attacker.get("/login");
            var response = attacker.postFormWithHeaders("/login",
                    Map.of("username", "nobody-" + i, "password", "guess-" + i, "_csrf", attacker.csrfToken()),
                    Map.of("X-Forwarded-For", "10.66.0." + i, "Forwarded", "for=10.77.0." + i));
            if (response.headers().firstValue("Location").orElse("").startsWith("/login?throttled=")) {
                throttled++;
            }
        }
        // 20 failures per address (the default); the 5 after them are refused whatever the header says.
        assertThat(throttled).isEqualTo(5);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE client_address LIKE '10.%'").query(Long.class).single())
                .isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE client_address = '127.0.0.1' AND target LIKE 'nobody-%'")
                .query(Long.class).single()).isGreaterThanOrEqualTo(20);
    }

    @Test
    void anEventSocketWithForwardedHeadersStaysOpen() {
        // Before: an unresolved forwarded address made the handler throw right after the handshake.
        try (EventSocketClient caller = EventSocketClient.open(nginx.http(), "caller", null,
                Map.of("X-Forwarded-For", "not-an-address, 10.1.2.3"))) {
            caller.sendJson("type", "ping");
            caller.awaitType("pong");
            assertThat(caller.isClosed()).isFalse();
        }
    }

    @Test
    void aBrowserOriginWithTheProxysPortIsAccepted() {
        // The Origin keeps the browser's port; nginx's Host $host would drop it and the console got 4403.
        WebClientSession agent = new WebClientSession(nginx.http());
        agent.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        try (EventSocketClient console = EventSocketClient.open(nginx.http(), "agent", agent,
                Map.of("Origin", "http://localhost:" + nginx.httpPort))) {
            console.sendJson("type", "ping");
            console.awaitType("pong");
        }
        assertThat(EventSocketClient.closeCodeOf(nginx.http(), "/ws/events?role=agent", agent,
                Map.of("Origin", "http://localhost:1"))).isEqualTo(4403);
    }

    @Test
    void aBrowserConsoleBehindNginxOnItsOwnPortTakesACall(@TempDir Path dir) throws Exception {
        // A real browser: its Origin carries nginx's port, which the server must see as its own.
        Path microphone = dir.resolve("agent.wav");
        short[] tone = new ToneGenerator(44_100, 600, 12_000).generate(0, 5 * 44_100);
        try (WavFileWriter writer = new WavFileWriter(microphone, 44_100, 1)) {
            writer.write(tone, 0, tone.length);
            writer.finish();
        }
        ChromeDriver console = Chromium.withMicrophone(microphone);
        try {
            String base = nginx.http().http("");
            String agentName = testUsers.create(Role.AGENT);
            console.get(base + "/login");
            console.findElement(By.name("username")).sendKeys(agentName);
            console.findElement(By.name("password")).sendKeys(TestUsers.PASSWORD);
            console.findElement(By.cssSelector("button[type=submit]")).click();
            await().atMost(Duration.ofSeconds(10)).until(() -> console.getCurrentUrl().endsWith("/"));
            console.get(base + "/calls");
            await().atMost(Duration.ofSeconds(15)).until(() -> "idle".equals(console.findElement(testId("call-status")).getText()));

            try (EventSocketClient caller = EventSocketClient.open(nginx.http(), "caller", null)) {
                caller.sendJson("type", "dial", "callerName", "Through nginx");
                String callId = caller.awaitType("leg").path("callId").asString();
                WebElement answer = await().atMost(Duration.ofSeconds(10)).until(
                        () -> console.findElements(By.cssSelector("[data-call-id='" + callId + "'] [data-testid=answer]")),
                        found -> !found.isEmpty()).get(0);
                answer.click();
                assertThat(caller.awaitCallState(callId, "answered").path("call").path("agent").asString()).isEqualTo(agentName);
                caller.sendJson("type", "hangup", "callId", callId);
                caller.awaitCallState(callId, "ended");
            }
        }
        finally {
            console.quit();
        }
    }

    private static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }

    private void callThrough(Endpoint endpoint) throws Exception {
        WebClientSession agentLogin = new WebClientSession(endpoint);
        agentLogin.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        try (CallHarness call = new CallHarness(endpoint, agentLogin)) {
            String callId = call.dial("Behind nginx");
            call.answer();
            call.talk(440, 880);
            await().atMost(Duration.ofSeconds(10)).until(() -> call.agentMedia.framesReceived() >= 100
                    && call.callerMedia.framesReceived() >= 100);
            JsonNode ended = call.hangUpByCaller();

            short[] agentHeard = call.agentMedia.receivedSamples();
            short[] callerHeard = call.callerMedia.receivedSamples();
            assertThat(ToneDetector.relativePower(agentHeard, 0, agentHeard.length, 440, 44_100)).isGreaterThan(0.8);
            assertThat(ToneDetector.relativePower(callerHeard, 0, callerHeard.length, 880, 44_100)).isGreaterThan(0.8);

            StoredRecording recording = Recordings.awaitComplete(recordings, callId);
            WavFile wav = WavFile.read(store.resolve(recording.path()));
            long answeredMs = ended.path("durationMs").asLong();
            assertThat(answeredMs).isGreaterThan(1500);
            assertThat(wav.durationMs()).isCloseTo(answeredMs, within(20.0));
            assertThat(wav.fileBytes()).isEqualTo(44 + 2L * wav.frames());
            int middle = (int) (wav.frames() / 4);
            int length = (int) (wav.frames() / 2);
            assertThat(ToneDetector.relativePower(wav.samples(), middle, length, 440, 44_100)).isGreaterThan(0.3);
            assertThat(ToneDetector.relativePower(wav.samples(), middle, length, 880, 44_100)).isGreaterThan(0.3);
            // The caller's address on the call row is the client behind the proxy, not the proxy.
            assertThat(jdbc.sql("SELECT caller_address FROM calls WHERE id = ?").param(callId).query(String.class).single())
                    .isEqualTo("127.0.0.1");
        }
    }
}
