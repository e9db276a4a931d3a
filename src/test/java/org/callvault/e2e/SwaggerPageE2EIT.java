package org.callvault.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.callvault.support.Chromium;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Issue 17, point 8, as a person opens it: the Swagger page (linked from API tokens) shows the
 * API with its filters, and the browser's console holds no Content-Security-Policy refusal and
 * no error.
 */
@DatabaseIndependent
class SwaggerPageE2EIT extends IntegrationTest {

    private ChromeDriver browser;

    @AfterEach
    void quit() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void theSwaggerPageLoadsWithoutConsoleErrors() throws Exception {
        browser = Chromium.withoutMicrophone();
        String base = "http://localhost:" + port;
        Chromium.signIn(browser, port, "admin", ADMIN_PASSWORD);

        browser.get(base + "/account/tokens");
        browser.findElement(By.linkText("/swagger-ui.html")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.cssSelector(".info .title")).isEmpty());
        assertThat(browser.findElement(By.cssSelector(".info .title")).getText()).contains("CallVault API");
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(
                By.xpath("//*[contains(@class,'opblock-summary-path') and @data-path='/api/recordings']")).isEmpty());

        List<LogEntry> console = browser.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(console).as("the browser's console").noneMatch(entry -> entry.getMessage().contains(
                "Content Security Policy") || entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue());
    }
}
