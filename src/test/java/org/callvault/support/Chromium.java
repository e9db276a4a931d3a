package org.callvault.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;

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

    /** A second of silence in {@code dir}, as the microphone of a page that needs one but no sound. */
    public static Path silentMicrophone(Path dir) throws IOException {
        Path file = dir.resolve("silence.wav");
        short[] quiet = new org.callvault.media.ToneGenerator(44_100, 440, 0).generate(0, 44_100);
        try (org.callvault.recording.WavFileWriter writer = new org.callvault.recording.WavFileWriter(file, 44_100, 1)) {
            writer.write(quiet, 0, quiet.length);
            writer.finish();
        }
        return file;
    }

    /** Signs in through the real form at {@code base} and waits for the dashboard. */
    public static void signIn(ChromeDriver driver, String base, String user, String password) {
        driver.get(base + "/login");
        driver.findElement(org.openqa.selenium.By.name("username")).sendKeys(user);
        driver.findElement(org.openqa.selenium.By.name("password")).sendKeys(password);
        driver.findElement(org.openqa.selenium.By.cssSelector("button[type=submit]")).click();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> driver.getCurrentUrl().endsWith("/"));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
