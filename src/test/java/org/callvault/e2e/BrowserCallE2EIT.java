package org.callvault.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.callvault.media.ToneDetector;
import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingStore;
import org.callvault.support.Chromium;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.IntegrationTest;
import org.callvault.support.Recordings;
import org.callvault.support.WavFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The real pages in two headless Chromiums, each with its own WAV as microphone: the phone dials,
 * the console answers, five seconds of talk, the phone hangs up.
 */
@DatabaseIndependent
class BrowserCallE2EIT extends IntegrationTest {

    private static final int CALLER_HZ = 1000;
    private static final int AGENT_HZ = 600;

    @TempDir
    Path dir;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    RecordingStore store;

    @Autowired
    JdbcClient jdbc;

    private ChromeDriver phone;
    private ChromeDriver console;

    @AfterEach
    void quit() {
        for (WebDriver driver : new WebDriver[] { phone, console }) {
            if (driver != null) {
                driver.quit();
            }
        }
    }

    @Test
    void phoneCallsConsoleBothHearEachOtherAndTheCallIsRecorded() throws Exception {
        phone = Chromium.withMicrophone(microphone("caller.wav", CALLER_HZ));
        console = Chromium.withMicrophone(microphone("agent.wav", AGENT_HZ));
        String base = "http://localhost:" + port;

        console.get(base + "/login");
        console.findElement(By.name("username")).sendKeys("admin");
        console.findElement(By.name("password")).sendKeys(ADMIN_PASSWORD);
        console.findElement(By.cssSelector("button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> console.getCurrentUrl().endsWith("/"));
        console.get(base + "/calls");
        awaitStatus(console, "idle");

        phone.get(base + "/phone");
        awaitStatus(phone, "idle");
        phone.findElement(testId("caller-name")).sendKeys("Browser caller");
        await().atMost(Duration.ofSeconds(10)).until(() -> phone.findElement(testId("dial")).isEnabled());
        phone.findElement(testId("dial")).click();
        awaitStatus(phone, "ringing");

        WebElement row = await().atMost(Duration.ofSeconds(10)).until(
                () -> console.findElements(By.cssSelector("[data-testid=call-row][data-call-id]")), rows -> !rows.isEmpty())
                .get(0);
        String callId = row.getDomAttribute("data-call-id");
        row.findElement(testId("answer")).click();
        awaitStatus(console, "answered");
        awaitStatus(phone, "answered");

        // Five seconds of talk, measured by what the pages received, not by sleeping.
        await().atMost(Duration.ofSeconds(30)).until(() -> stat(phone, "framesReceived") >= 250
                && stat(console, "framesReceived") >= 250);
        assertThat(phone.findElement(testId("call-timer")).getText()).matches("00:0[4-9]|00:[1-5]\\d");

        double[] consoleHeard = heard(console);
        double[] phoneHeard = heard(phone);
        phone.findElement(testId("hangup")).click();
        awaitStatus(phone, "ended");
        awaitStatus(console, "ended");

        // Live audio: the agent heard the caller's tone, the caller heard the agent's.
        assertThat(consoleHeard[0]).as("console hears %d Hz", CALLER_HZ).isGreaterThan(consoleHeard[1] * 10);
        assertThat(phoneHeard[1]).as("phone hears %d Hz", AGENT_HZ).isGreaterThan(phoneHeard[0] * 10);

        // The recording on disk: both voices, as long as the answered call.
        var row2 = Recordings.awaitComplete(recordings, callId);
        long answeredMs = jdbc.sql("SELECT duration_ms FROM calls WHERE id = ?").param(callId).query(Long.class)
                .single();
        WavFile wav = WavFile.read(store.resolve(row2.path()));
        assertThat(answeredMs).isGreaterThanOrEqualTo(5000);
        assertThat(wav.durationMs()).isCloseTo(answeredMs, within(20.0));
        assertThat(wav.fileBytes()).isEqualTo(44 + 2 * wav.frames());
        short[] samples = wav.samples();
        // Each voice present: the pages ask for the browser's noise suppression (a softphone needs
        // it), which learns a steady tone as noise and turns it down over the call (seen: the
        // caller's tone at 2.9 % and once at 0.7 % of the file's power, where 5 % was asked); a
        // voice missing from the recording measures about 1e-8, so 0.1 % still tells them apart.
        assertThat(ToneDetector.relativePower(samples, 0, samples.length, CALLER_HZ, 44_100)).isGreaterThan(0.001);
        assertThat(ToneDetector.relativePower(samples, 0, samples.length, AGENT_HZ, 44_100)).isGreaterThan(0.001);
    }

    @Test
    void fiveSecondMicrophoneTestRecordsUploadsAndPlaysBack() throws Exception {
        phone = Chromium.withMicrophone(microphone("mic.wav", CALLER_HZ));
        phone.get("http://localhost:" + port + "/phone");
        awaitStatus(phone, "idle");
        phone.findElement(testId("test-record")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> "ready".equals(micTest(phone, "state")));
        assertThat(micTest(phone, "bytes")).isEqualTo("441044");
        assertThat(micTest(phone, "durationMs")).isEqualTo("5000");
        assertThat(phone.findElement(testId("test-play")).isEnabled()).isTrue();
        String id = micTest(phone, "id");
        WavFile wav = WavFile.read(store.micTestsDir().resolve(id + ".wav"));
        assertThat(wav.fileBytes()).isEqualTo(441_044);
        // The browser's echo cancellation and gain control shape the level, not the pitch.
        short[] samples = wav.samples();
        double tone = ToneDetector.relativePower(samples, 0, samples.length, CALLER_HZ, 44_100);
        assertThat(tone).isGreaterThan(0.1);
        assertThat(tone).isGreaterThan(10 * ToneDetector.relativePower(samples, 0, samples.length, AGENT_HZ, 44_100));
    }

    /** Goertzel power of the caller's and the agent's tone in the last second a page received. */
    private static double[] heard(ChromeDriver driver) {
        @SuppressWarnings("unchecked")
        // The page's own rate: 48 kHz when it negotiated Opus (protocol version 2), else 44.1 kHz.
        int rate = ((Number) driver.executeScript("return window.callvaultDebug.audioState().sampleRate")).intValue();
        List<Number> list = (List<Number>) driver.executeScript("return window.callvaultDebug.recentReceived(" + rate + ")");
        short[] samples = new short[list.size()];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = list.get(i).shortValue();
        }
        return new double[] { ToneDetector.relativePower(samples, 0, samples.length, CALLER_HZ, rate),
                ToneDetector.relativePower(samples, 0, samples.length, AGENT_HZ, rate) };
    }

    private static long stat(JavascriptExecutor driver, String name) {
        Object value = driver.executeScript("return window.callvaultStats && window.callvaultStats." + name);
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static String micTest(JavascriptExecutor driver, String field) {
        Object value = driver.executeScript("return String(window.callvaultStats.micTest." + field + ")");
        return String.valueOf(value);
    }

    private static void awaitStatus(WebDriver driver, String status) {
        await().atMost(Duration.ofSeconds(15)).until(() -> status.equals(driver.findElement(testId("call-status")).getText()));
    }

    private static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }

    private Path microphone(String name, int frequency) throws Exception {
        Path file = Chromium.tone(dir, name, frequency);
        assertThat(Files.size(file)).isEqualTo(44 + 2L * 10 * 44_100);
        return file;
    }
}
