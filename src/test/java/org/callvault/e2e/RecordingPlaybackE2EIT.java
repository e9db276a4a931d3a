package org.callvault.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingRepository.StoredRecording;
import org.callvault.support.CallHarness;
import org.callvault.support.Chromium;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.IntegrationTest;
import org.callvault.support.Recordings;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

/**
 * The recordings page in a headless Chromium: a call recorded through the real server (no browser
 * needed for that) is found in the list, played, seeked by clicking the waveform, sped up and
 * offered for download; only an ADMIN gets the delete buttons.
 */
@DatabaseIndependent
@Import(TestUsers.class)
class RecordingPlaybackE2EIT extends IntegrationTest {

    private static final Duration SHORT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    TestUsers testUsers;

    private ChromeDriver browser;

    @AfterEach
    void quit() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void adminPlaysSeeksSpeedsUpAndDownloadsARecordingAndAnAgentCannotDelete() throws Exception {
        String caller = "Playback-" + UUID.randomUUID().toString().substring(0, 8);
        String callId = recordACall(caller);
        StoredRecording recording = Recordings.awaitComplete(recordings, callId);
        double seconds = recording.durationMs() / 1000.0;
        assertThat(seconds).as("recorded seconds").isGreaterThan(3.0);

        browser = Chromium.withAnyMicrophone(dir);
        signIn("admin", ADMIN_PASSWORD);
        browser.get(base() + "/recordings?caller=" + caller);

        WebElement row = findRow(callId);
        assertThat(row.getDomAttribute("data-recording-id")).isEqualTo(recording.id());
        assertThat(row.findElements(testId("delete"))).as("an admin may delete").hasSize(1);
        assertThat(browser.findElements(testId("bulk-delete"))).hasSize(1);
        assertThat(browser.findElement(testId("export-csv")).getDomAttribute("href"))
                .startsWith("/api/calls/export.csv").contains("caller=" + caller);

        // Play: the waveform arrives and playback moves.
        row.findElement(testId("play")).click();
        WebElement player = browser.findElement(testId("player"));
        await().atMost(SHORT).until(player::isDisplayed);
        await().atMost(SHORT).until(() -> Boolean.TRUE.equals(hook("peaksLoaded")));
        assertThat(hook("recordingId")).isEqualTo(recording.id());
        assertThat(number("channels")).isEqualTo(recording.channels());
        await().atMost(SHORT).until(() -> number("currentTime") > 0.3);
        assertThat(number("duration")).isCloseTo(seconds, within(0.1));

        // Seek with a real click in the middle of the waveform.
        WebElement waveform = browser.findElement(testId("waveform"));
        new Actions(browser).moveToElement(waveform).click().perform();
        double half = number("duration") / 2;
        await().atMost(SHORT).until(() -> Math.abs(number("currentTime") - half) < 0.5);
        double landed = number("currentTime");
        await().atMost(SHORT).until(() -> number("currentTime") > landed + 0.2);
        assertThat(number("currentTime")).isLessThan(seconds + 0.01);

        // Speed.
        new Select(browser.findElement(testId("speed"))).selectByValue("1.5");
        await().atMost(SHORT).until(() -> number("playbackRate") == 1.5);
        Object elementRate = browser.executeScript(
                "return document.querySelector('[data-testid=audio]').playbackRate");
        assertThat(((Number) elementRate).doubleValue()).isEqualTo(1.5);

        // Download: the link asks for an attachment, and the server sends one.
        String href = browser.findElement(testId("download")).getDomAttribute("href");
        assertThat(href).contains(recording.id()).endsWith("?download=true");
        var download = signedInAdmin().getBytes(href, Map.of());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValue("Content-Disposition")).hasValueSatisfying(
                value -> assertThat(value).startsWith("attachment"));

        // An agent sees the same row and may play it, but gets no delete controls.
        browser.findElement(testId("sign-out")).click();
        await().atMost(SHORT).until(() -> browser.getCurrentUrl().contains("/login"));
        signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        browser.get(base() + "/recordings?caller=" + caller);
        WebElement agentRow = findRow(callId);
        assertThat(agentRow.findElements(testId("play"))).hasSize(1);
        assertThat(browser.findElements(testId("delete"))).as("an agent may not delete").isEmpty();
        assertThat(browser.findElements(testId("bulk-delete"))).isEmpty();
    }

    /** One answered call of about four seconds between a caller and the admin, streamed for real. */
    private String recordACall(String callerName) {
        WebClientSession admin = signedInAdmin();
        try (CallHarness call = new CallHarness(port, admin)) {
            String callId = call.dial(callerName);
            call.answer();
            call.talk(440, 880);
            await().atMost(Duration.ofSeconds(20)).until(() -> call.agentMedia.framesReceived() >= 200
                    && call.callerMedia.framesReceived() >= 200);
            call.hangUpByCaller();
            return callId;
        }
    }

    private void signIn(String username, String password) {
        browser.get(base() + "/login");
        browser.findElement(By.name("username")).sendKeys(username);
        browser.findElement(By.name("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        await().atMost(SHORT).until(() -> browser.getCurrentUrl().endsWith("/"));
    }

    private WebElement findRow(String callId) {
        By row = By.cssSelector("[data-testid=recording-row][data-call-id='" + callId + "']");
        return await().atMost(SHORT).until(() -> browser.findElements(row), rows -> rows.size() == 1).get(0);
    }

    private Object hook(String field) {
        return browser.executeScript("return window.callvaultPlayer && window.callvaultPlayer." + field);
    }

    private double number(String field) {
        return hook(field) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private String base() {
        return "http://localhost:" + port;
    }

    private static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }
}
