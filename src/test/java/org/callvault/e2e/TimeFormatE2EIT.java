package org.callvault.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;

import org.callvault.support.Chromium;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.IntegrationTest;
import org.callvault.support.LibraryFixtures;
import org.callvault.support.TestUsers;
import org.callvault.user.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

/**
 * Issue 17 point 9: one time format everywhere, 24-hour in every locale. An en-US browser (whose own
 * default would be "2:37 PM") reads an afternoon call as 14:37 in the call history, and the
 * date in its own language.
 */
@DatabaseIndependent
@Import({ TestUsers.class, LibraryFixtures.class })
class TimeFormatE2EIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Autowired
    LibraryFixtures fixtures;

    private ChromeDriver browser;

    @AfterEach
    void quit() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anAfternoonCallReadsAsTwentyFourHourTimeInAnAmericanBrowser() throws Exception {
        String agent = testUsers.create(Role.AGENT);
        // Chromium runs on this machine, so it shares the JVM's zone: 14:37 here is 14:37 there.
        Instant afternoon = LocalDate.now().minusDays(1).atTime(LocalTime.of(14, 37, 5))
                .atZone(ZoneId.systemDefault()).toInstant();
        String callId = fixtures.call(afternoon, "ENDED", "Afternoon Caller", "+1 555 0100", agent, 30_000L, false)
                .callId();

        browser = Chromium.withLanguage("en-US");
        String base = "http://localhost:" + port;
        Chromium.signIn(browser, base, "admin", ADMIN_PASSWORD);
        // The locale really is one that writes AM/PM by default: otherwise this test proves nothing.
        assertThat((String) browser.executeScript("return new Date(2026, 0, 1, 14, 37).toLocaleTimeString()"))
                .contains("PM");

        browser.get(base + "/recordings?agent=" + agent);
        WebElement time = browser.findElement(By.cssSelector("tr[data-call-id='" + callId + "'] [data-testid='row-time'] time"));
        // The module rewrites the server's ISO fallback into the reader's locale ("Dec 1, 2026, 14:37:05").
        await().atMost(Duration.ofSeconds(10)).until(() -> !time.getText().startsWith(String.valueOf(afternoon
                .atZone(ZoneId.systemDefault()).getYear()) + "-"));
        assertThat(time.getText()).contains("14:37:05").doesNotContain("PM").doesNotContain("AM");
        assertThat(time.getText()).containsPattern("[A-Z][a-z]{2} \\d{1,2}, \\d{4}");

        // The tokens page goes through the same fragment and module.
        browser.get(base + "/account/tokens");
        browser.findElement(By.name("name")).sendKeys("time format");
        browser.findElement(By.cssSelector("[data-testid='create-token']")).click();
        // The click posts a form; the new page may not have loaded yet when findElement asks.
        By createdTime = By.cssSelector("[data-testid='token-row'] time");
        await().atMost(Duration.ofSeconds(15)).until(() -> !browser.findElements(createdTime).isEmpty());
        WebElement created = browser.findElement(createdTime);
        await().atMost(Duration.ofSeconds(10)).until(() -> created.getText().matches(".*[A-Z][a-z]{2} \\d{1,2}, \\d{4}.*"));
        assertThat(created.getText()).containsPattern("\\d{2}:\\d{2}").doesNotContain("PM").doesNotContain("AM");
    }
}
