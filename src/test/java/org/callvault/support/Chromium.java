package org.callvault.support;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;

import org.callvault.media.ToneGenerator;
import org.callvault.recording.WavFileWriter;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium and chromedriver (installed by .ci/run), each browser with its own
 * WAV file as microphone. Paths are given explicitly so Selenium never tries to download anything.
 */
public final class Chromium {

    private static final String BROWSER = env("CALLVAULT_TEST_CHROMIUM", "/usr/bin/chromium");
    private static final String DRIVER = env("CALLVAULT_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");

    private Chromium() {
    }

    public static ChromeDriver withMicrophone(Path wav) throws IOException {
        return start("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                "--use-file-for-fake-audio-capture=" + wav.toAbsolutePath(),
                "--autoplay-policy=no-user-gesture-required");
    }

    /**
     * A browser for pages without audio. Its console (errors, CSP refusals) is kept for
     * {@code driver.manage().logs().get(LogType.BROWSER)}.
     */
    public static ChromeDriver withoutMicrophone() throws IOException {
        return start();
    }

    /** A browser for pages without audio whose locale is {@code language} (e.g. en-US, which writes "2:05 PM"). */
    public static ChromeDriver withLanguage(String language) throws IOException {
        return start("--lang=" + language, "--accept-lang=" + language);
    }

    private static ChromeDriver start(String... extraArguments) throws IOException {
        if (!new File(BROWSER).canExecute() || !new File(DRIVER).canExecute()) {
            throw new IllegalStateException("Browser tests need Debian's chromium and chromium-driver: "
                    + "apt-get install -y chromium chromium-driver (.ci/run does it)");
        }
        Path profile = Files.createTempDirectory("callvault-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + profile, "--window-size=1200,900");
        options.addArguments(extraArguments);
        LoggingPreferences console = new LoggingPreferences();
        console.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, console);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().implicitlyWait(Duration.ZERO);
        return driver;
    }

    /** A second of silence as a WAV file in {@code dir}: the microphone of a browser that only clicks. */
    public static Path silence(Path dir) throws IOException {
        Path file = dir.resolve("silence.wav");
        short[] quiet = new short[44_100];
        try (WavFileWriter writer = new WavFileWriter(file, 44_100, 1)) {
            writer.write(quiet, 0, quiet.length);
            writer.finish();
        }
        return file;
    }

    /**
     * Ten seconds of a {@code hz} tone as a WAV file in {@code dir}, a whole number of cycles so that
     * the browser, which plays it as its microphone in a loop, never pauses or clicks.
     */
    public static Path tone(Path dir, String name, int hz) throws IOException {
        Path file = dir.resolve(name);
        short[] tone = new ToneGenerator(44_100, hz, 12_000).generate(0, 10 * 44_100);
        try (WavFileWriter writer = new WavFileWriter(file, 44_100, 1)) {
            writer.write(tone, 0, tone.length);
            writer.finish();
        }
        return file;
    }

    /** Signs in through the form, as a person does, and waits for the dashboard. */
    public static void signIn(ChromeDriver browser, int port, String username, String password) {
        signIn(browser, "http://localhost:" + port, username, password);
    }

    /** Signs in through the real form at {@code base} and waits for the dashboard. */
    public static void signIn(ChromeDriver browser, String base, String username, String password) {
        browser.get(base + "/login");
        browser.findElement(By.name("username")).sendKeys(username);
        browser.findElement(By.name("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().equals(base + "/"));
    }

    /** Quits the browsers that were started (null for one that was not). */
    public static void quit(org.openqa.selenium.WebDriver... drivers) {
        for (org.openqa.selenium.WebDriver driver : drivers) {
            if (driver != null) {
                driver.quit();
            }
        }
    }

    /** A browser for pages that never use the microphone (it still needs one): a second of silence. */
    public static ChromeDriver withAnyMicrophone(Path dir) throws IOException {
        return withMicrophone(silence(dir));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
