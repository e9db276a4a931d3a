package org.callvault.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.callvault.support.Chromium;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.user.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 17, point 9, in a real browser: the phone names the operator's company and tells a caller
 * in plain words that nobody answered; the console keeps a finished call in view and says who
 * declined it, not who "answered" it.
 */
@DatabaseIndependent
@Import(TestUsers.class)
@TestPropertySource(properties = { "callvault.company-name=Acme Insurance",
        "callvault.console.finished-calls-shown=30s" })
class PagesAsAPersonFindsThemE2EIT extends IntegrationTest {

    @TempDir
    Path dir;

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
    void aCallerWhomNobodyAnswersReadsItInPlainWords() throws Exception {
        browser = Chromium.withMicrophone(Chromium.silence(dir));
        browser.get("http://localhost:" + port + "/phone");
        assertThat(browser.findElement(By.cssSelector("[data-testid='phone-heading']")).getText())
                .isEqualTo("Call Acme Insurance");
        WebElement dial = browser.findElement(By.cssSelector("[data-testid='dial']"));
        await().atMost(Duration.ofSeconds(15)).until(dial::isEnabled);
        browser.findElement(By.cssSelector("[data-testid='caller-name']")).sendKeys("Nobody Home");
        dial.click();
        // IntegrationTest rings for 3 s; then the call is missed.
        WebElement outcome = browser.findElement(By.cssSelector("[data-testid='call-outcome']"));
        await().atMost(Duration.ofSeconds(15)).until(() -> outcome.getText().startsWith("Nobody answered"));
        assertThat(outcome.getText()).doesNotContain("missed");
    }

    @Test
    void aDeclinedCallStaysInTheConsoleAndSaysWhoDeclinedIt() throws Exception {
        String agent = testUsers.create(Role.AGENT);
        browser = Chromium.withMicrophone(Chromium.silence(dir));
        Chromium.signIn(browser, port, agent, TestUsers.PASSWORD);
        browser.get("http://localhost:" + port + "/calls");
        await().atMost(Duration.ofSeconds(15)).until(() -> "idle".equals(
                browser.findElement(By.cssSelector("[data-testid='call-status']")).getText()));

        try (EventSocketClient caller = EventSocketClient.open(port, "caller", null)) {
            caller.sendJson("type", "dial", "callerName", "Declined Caller", "callerNumber", "+44 20 7946 0001");
            String callId = caller.awaitType("leg").path("callId").asString();
            By row = By.cssSelector("tr[data-call-id='" + callId + "']");
            await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(row).isEmpty());
            browser.findElement(row).findElement(By.cssSelector("[data-testid='decline']")).click();
            caller.awaitCallState(callId, "rejected");

            By agentCell = By.cssSelector("tr[data-call-id='" + callId + "'] [data-testid='row-agent']");
            await().atMost(Duration.ofSeconds(5)).until(() -> "declined by you".equals(
                    browser.findElements(agentCell).isEmpty() ? null : browser.findElement(agentCell).getText()));
            // Still there well after the old 2 s: the agent can see how the call ended.
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                    .until(() -> !browser.findElements(row).isEmpty());
        }
    }
}
