package org.callvault.nodes;

import java.nio.file.Path;

import org.callvault.support.Chromium;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/** A several-node browser test's two pages, a phone and a console, each its own headless Chromium. */
abstract class TwoPagesTest {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the servers' logs
    Path dir;

    ChromeDriver phone;
    ChromeDriver console;

    @AfterEach
    void quit() {
        Chromium.quit(phone, console);
    }
}
