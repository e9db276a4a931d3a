package org.callvault.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.callvault.recording.RecordingRepository;
import org.callvault.support.Chromium;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.IntegrationTest;
import org.callvault.support.Recordings;
import org.callvault.support.SiprecTestClient;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A SIPREC recording in the library's player (headless Chromium): the participants the metadata
 * names are shown on the channels of the streams they send, left and right, as the API's
 * {@code channels} says.
 */
@DatabaseIndependent
class SiprecPlaybackE2EIT extends IntegrationTest {

    private static final Duration SHORT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Autowired
    org.callvault.transport.sip.SipServer sip;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    JdbcClient jdbc;

    private ChromeDriver browser;

    @AfterEach
    void quit() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void thePlayerNamesWhoIsOnTheLeftAndOnTheRightChannel() throws Exception {
        String callId = recordASession();
        Recordings.awaitComplete(recordings, callId);
        WebClientSession admin = signedInAdmin();
        await().atMost(SHORT).until(() -> admin.get("/api/calls/" + callId).body().contains("\"state\":\"ended\""));
        JsonNode channels = JsonMapper.builder().build().readTree(admin.get("/api/calls/" + callId).body())
                .path("channels");
        assertThat(channels.toString()).isEqualTo("[{\"index\":0,\"side\":\"left\",\"participant\":\"Alice Customer\"},"
                + "{\"index\":1,\"side\":\"right\",\"participant\":\"Bob Agent\"}]");

        browser = Chromium.withAnyMicrophone(dir);
        browser.get(base() + "/login");
        browser.findElement(By.name("username")).sendKeys("admin");
        browser.findElement(By.name("password")).sendKeys(ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        await().atMost(SHORT).until(() -> browser.getCurrentUrl().endsWith("/"));
        browser.get(base() + "/recordings?source=siprec");
        By rowSelector = By.cssSelector("[data-testid=recording-row][data-call-id='" + callId + "']");
        WebElement row = await().atMost(SHORT).until(() -> browser.findElements(rowSelector), r -> r.size() == 1).get(0);
        row.findElement(testId("play")).click();

        WebElement legend = browser.findElement(testId("player-channels"));
        await().atMost(SHORT).until(legend::isDisplayed);
        List<String> shown = legend.findElements(testId("player-channel")).stream().map(WebElement::getText).toList();
        assertThat(shown).containsExactly("Left: Alice Customer", "Right: Bob Agent");
        // The waveform's lanes carry the same names, once its two channels are drawn.
        await().atMost(SHORT).until(() -> Boolean.TRUE.equals(
                browser.executeScript("return window.callvaultPlayer.peaksLoaded")));
        assertThat(browser.executeScript("return window.callvaultPlayer.channels")).isEqualTo(2L);
        assertThat(browser.executeScript("return window.callvaultPlayer.labels"))
                .isEqualTo(List.of("Alice Customer (left)", "Bob Agent (right)"));
    }

    /** A Cisco-shaped session (participants by AoR only), named by a metadata UPDATE, two tones, BYE. */
    private String recordASession() throws Exception {
        String names = """
                <?xml version="1.0" encoding="UTF-8"?>
                <recording xmlns="urn:ietf:params:xml:ns:recording:1">
                <datamode>partial</datamode>
                <participant participant_id="buxqQ9aTEeu8EMHksJtP1Q=="><nameID aor="sip:8001@192.0.2.21"><name>Alice Customer</name></nameID></participant>
                <participant participant_id="buxqQ9aTEeu8EcHksJtP1Q=="><nameID aor="sip:9001@192.0.2.10"><name>Bob Agent</name></nameID></participant>
                </recording>
                """;
        try (SiprecTestClient src = new SiprecTestClient(sip.port(), false, 2)) {
            assertThat(src.invite(Path.of("src/test/resources/siprec/cisco-cube.sip"))).startsWith("SIP/2.0 200");
            assertThat(src.update("application/rs-metadata+xml", names)).startsWith("SIP/2.0 200");
            src.streamTones(440, 880);
            src.awaitPacketsSent(200);
            src.stopStreaming();
            assertThat(src.bye()).startsWith("SIP/2.0 200");
            return await().atMost(SHORT).until(() -> jdbc
                    .sql("SELECT call_id FROM recording_sessions WHERE sip_call_id = :id").param("id", src.callId())
                    .query(String.class).optional().orElse(null), id -> id != null);
        }
    }

    private String base() {
        return "http://localhost:" + port;
    }

    private static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }
}
