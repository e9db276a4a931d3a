package org.callvault.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Protocol version 2 in two real Chromiums: the phone and the console negotiate Opus (WebCodecs)
 * and the server relays their packets; the same call once more with PCM forced ({@code ?codec=pcm}),
 * the fallback of a browser without WebCodecs.
 */
@DatabaseIndependent
class OpusBrowserCallE2EIT extends IntegrationTest {

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

    @ParameterizedTest
    @ValueSource(strings = { "opus", "pcm" })
    void phoneAndConsoleTalkOverTheNegotiatedCodecAndTheRecordingIsExact(String codec) throws Exception {
        phone = Chromium.withMicrophone(microphone("caller.wav", CALLER_HZ));
        console = Chromium.withMicrophone(microphone("agent.wav", AGENT_HZ));
        String base = "http://localhost:" + port;
        String query = codec.equals("pcm") ? "?codec=pcm" : "";

        console.get(base + "/login");
        console.findElement(By.name("username")).sendKeys("admin");
        console.findElement(By.name("password")).sendKeys(ADMIN_PASSWORD);
        console.findElement(By.cssSelector("button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> console.getCurrentUrl().endsWith("/"));
        console.get(base + "/calls" + query);
        awaitStatus(console, "idle");
        phone.get(base + "/phone" + query);
        awaitStatus(phone, "idle");
        // The hello's answer is in before anyone clicks (the context's rate depends on it).
        await().atMost(Duration.ofSeconds(10)).until(() -> codec.equals(text(phone, "codec"))
                && codec.equals(text(console, "codec")));

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

        await().atMost(Duration.ofSeconds(30)).until(() -> stat(phone, "framesReceived") >= 250
                && stat(console, "framesReceived") >= 250);
        int rate = codec.equals("opus") ? 48_000 : 44_100;
        double[] consoleHeard = heard(console, rate);
        double[] phoneHeard = heard(phone, rate);
        // Both counters in one script: read apart, a frame sent in between skews the ratio.
        @SuppressWarnings("unchecked")
        List<Number> sent = (List<Number>) phone.executeScript(
                "return [window.callvaultStats.bytesSent, window.callvaultStats.framesSent]");
        long phoneBytes = sent.get(0).longValue();
        long phoneFrames = sent.get(1).longValue();
        phone.findElement(testId("hangup")).click();
        awaitStatus(phone, "ended");
        awaitStatus(console, "ended");

        assertThat(consoleHeard[0]).as("console hears %d Hz", CALLER_HZ).isGreaterThan(consoleHeard[1] * 10);
        assertThat(phoneHeard[1]).as("phone hears %d Hz", AGENT_HZ).isGreaterThan(phoneHeard[0] * 10);
        // The wire: bytes per 20 ms frame, header included (×400 = bit/s).
        double bytesPerFrame = (double) phoneBytes / phoneFrames;
        System.out.printf("%s: %.1f bytes per frame sent by the phone, %.1f kbit/s%n", codec, bytesPerFrame,
                bytesPerFrame * 400 / 1000);
        if (codec.equals("opus")) {
            assertThat(bytesPerFrame * 400).as("bit/s on the wire").isLessThan(40_000);
        }
        else {
            assertThat(bytesPerFrame).isEqualTo(16 + 1764);
        }

        var recording = Recordings.awaitComplete(recordings, callId);
        long answeredMs = jdbc.sql("SELECT duration_ms FROM calls WHERE id = ?").param(callId).query(Long.class)
                .single();
        WavFile wav = WavFile.read(store.resolve(recording.path()));
        assertThat(wav.sampleRate()).isEqualTo(44_100);
        assertThat(wav.durationMs()).isCloseTo(answeredMs, within(20.0));
        short[] samples = wav.samples();
        // Each voice present. As in BrowserCallE2EIT: the browser's noise suppression learns a steady
        // tone as noise and turns it down over the call (seen there at 2.9 % of the power where 5 %
        // was asked); a voice that is missing measures about 1e-8, so 0.1 % still tells them apart.
        assertThat(ToneDetector.relativePower(samples, 0, samples.length, CALLER_HZ, 44_100)).isGreaterThan(0.001);
        assertThat(ToneDetector.relativePower(samples, 0, samples.length, AGENT_HZ, 44_100)).isGreaterThan(0.001);
    }

    /** Goertzel power of the caller's and the agent's tone in the last second a page received. */
    private static double[] heard(ChromeDriver driver, int rate) {
        @SuppressWarnings("unchecked")
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

    private static String text(JavascriptExecutor driver, String name) {
        return String.valueOf(driver.executeScript("return window.callvaultStats && window.callvaultStats." + name));
    }

    private static void awaitStatus(WebDriver driver, String status) {
        await().atMost(Duration.ofSeconds(15)).until(() -> status.equals(driver.findElement(testId("call-status")).getText()));
    }

    private static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }

    private Path microphone(String name, int frequency) throws Exception {
        return Chromium.tone(dir, name, frequency);
    }
}
