package org.callvault.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.callvault.media.ToneGenerator;
import org.callvault.recording.WavFileWriter;
import org.callvault.support.Chromium;
import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.callvault.user.UserRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

/**
 * Issue 14, point 3, in a real browser: a console whose agent is disabled does not keep
 * reconnecting into refusals; on close 4401 it reloads into the sign-in page.
 */
@Import(TestUsers.class)
class SignedOutConsoleE2EIT extends IntegrationTest {

    @TempDir
    Path dir;

    @Autowired
    TestUsers testUsers;

    @Autowired
    UserRepository users;

    private ChromeDriver console;

    @AfterEach
    void quit() {
        if (console != null) {
            console.quit();
        }
    }

    @Test
    void aDisabledAgentsConsoleFallsBackToTheSignInPage() throws Exception {
        String agent = testUsers.create(Role.AGENT);
        console = Chromium.withMicrophone(silence());
        String base = "http://localhost:" + port;
        console.get(base + "/login");
        console.findElement(By.name("username")).sendKeys(agent);
        console.findElement(By.name("password")).sendKeys(TestUsers.PASSWORD);
        console.findElement(By.cssSelector("button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> console.getCurrentUrl().endsWith("/"));
        console.get(base + "/calls");
        await().atMost(Duration.ofSeconds(15)).until(() -> "idle".equals(
                console.findElement(By.cssSelector("[data-testid='call-status']")).getText()));

        WebClientSession admin = signedInAdmin();
        admin.get("/users");
        assertThat(admin.postForm("/users/" + users.findByUsername(agent).orElseThrow().id() + "/enabled",
                Map.of("enabled", "false")).body()).contains("User disabled.");

        await().atMost(Duration.ofSeconds(5)).until(() -> console.getCurrentUrl().startsWith(base + "/login"));
        assertThat(console.findElements(By.name("password"))).isNotEmpty();
    }

    private Path silence() throws Exception {
        Path file = dir.resolve("silence.wav");
        short[] quiet = new ToneGenerator(44_100, 440, 0).generate(0, 44_100);
        try (WavFileWriter writer = new WavFileWriter(file, 44_100, 1)) {
            writer.write(quiet, 0, quiet.length);
            writer.finish();
        }
        return file;
    }
}
