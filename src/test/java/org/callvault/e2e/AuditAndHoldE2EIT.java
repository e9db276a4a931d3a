package org.callvault.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.callvault.support.Chromium;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.IntegrationTest;
import org.callvault.support.LibraryFixtures;
import org.callvault.support.LibraryFixtures.Stored;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

/**
 * An administrator, in a real browser: puts a call on legal hold from the recordings list, sees
 * it held there (and no Delete button), finds the hold on the Audit page, and verifies the chain.
 */
@DatabaseIndependent
@Import(LibraryFixtures.class)
class AuditAndHoldE2EIT extends IntegrationTest {

    private static final Duration SHORT = Duration.ofSeconds(10);

    @Autowired
    LibraryFixtures fixtures;

    @TempDir
    Path dir;

    private ChromeDriver browser;

    @AfterEach
    void quit() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void adminHoldsACallFromTheLibraryAndSeesItOnTheAuditPage() throws Exception {
        String caller = "Hold-" + UUID.randomUUID().toString().substring(0, 8);
        Stored stored = fixtures.call(Instant.parse("2026-05-01T10:00:00Z"), "ENDED", caller, "+4420", "maria",
                1_000L, true);
        browser = Chromium.withAnyMicrophone(dir);
        signIn();
        browser.get(base() + "/recordings?caller=" + caller);

        WebElement row = findRow(stored.callId());
        row.findElement(testId("hold-reason")).sendKeys("dispute 42");
        row.findElement(testId("hold")).click();

        await().atMost(SHORT).until(() -> browser.findElements(testId("hold-result")).size() == 1);
        assertThat(browser.getCurrentUrl()).contains("caller=" + caller);
        WebElement held = findRow(stored.callId());
        assertThat(held.findElement(testId("row-hold")).getText()).isEqualTo("on hold: dispute 42");
        assertThat(held.findElements(testId("delete"))).as("a held recording offers no Delete").isEmpty();
        assertThat(held.findElements(testId("release"))).hasSize(1);

        browser.findElement(By.cssSelector("[data-testid=nav-audit]")).click();
        await().atMost(SHORT).until(() -> browser.getCurrentUrl().endsWith("/audit"));
        WebElement entry = browser.findElements(By.cssSelector("[data-testid=audit-row][data-action=hold_placed]"))
                .get(0);
        assertThat(entry.findElement(testId("audit-target")).getText()).isEqualTo(stored.callId());
        assertThat(entry.findElement(testId("audit-actor")).getText()).isEqualTo("admin");
        assertThat(entry.getText()).contains("dispute 42");

        browser.findElement(testId("audit-verify")).click();
        WebElement result = await().atMost(SHORT).until(() -> browser.findElements(testId("verify-result")),
                found -> found.size() == 1).get(0);
        assertThat(result.getDomAttribute("data-intact")).isEqualTo("true");
        assertThat(result.getText()).startsWith("The chain is intact");
    }

    private void signIn() {
        browser.get(base() + "/login");
        browser.findElement(By.name("username")).sendKeys("admin");
        browser.findElement(By.name("password")).sendKeys(ADMIN_PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        await().atMost(SHORT).until(() -> browser.getCurrentUrl().endsWith("/"));
    }

    private WebElement findRow(String callId) {
        By row = By.cssSelector("[data-testid=recording-row][data-call-id='" + callId + "']");
        return await().atMost(SHORT).until(() -> browser.findElements(row), rows -> rows.size() == 1).get(0);
    }

    private String base() {
        return "http://localhost:" + port;
    }

    private static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }
}
