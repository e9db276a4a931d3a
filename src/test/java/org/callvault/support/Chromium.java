package org.callvault.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

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
        if (!new File(BROWSER).canExecute() || !new File(DRIVER).canExecute()) {
            throw new IllegalStateException("Browser tests need Debian's chromium and chromium-driver: "
                    + "apt-get install -y chromium chromium-driver (.ci/run does it)");
        }
        Path profile = Files.createTempDirectory("callvault-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + profile,
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                "--use-file-for-fake-audio-capture=" + wav.toAbsolutePath(),
                "--autoplay-policy=no-user-gesture-required", "--window-size=1200,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().implicitlyWait(Duration.ZERO);
        return driver;
    }

    /**
     * A browser whose microphone plays one second of a 1 kHz tone, written to {@code dir}: for pages
     * that never use the microphone but run in a browser that needs one.
     */
    public static ChromeDriver withToneMicrophone(Path dir) throws IOException {
        Path file = dir.resolve("mic.wav");
        short[] tone = new org.callvault.media.ToneGenerator(44_100, 1000, 8000).generate(0, 44_100);
        try (org.callvault.recording.WavFileWriter writer = new org.callvault.recording.WavFileWriter(file, 44_100, 1)) {
            writer.write(tone, 0, tone.length);
            writer.finish();
        }
        return withMicrophone(file);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
