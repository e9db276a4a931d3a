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
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 17 points 4 and 5 as an agent meets them in a real browser: set Away, a call comes and the
 * console does not ring (it is missed and listed to call back); set Available, the next call rings,
 * the agent answers it and saves an outcome, tags and notes, which the API then shows.
 */
@DatabaseIndependent
@Import(TestUsers.class)
class AgentConsoleE2EIT extends IntegrationTest {

    @TempDir
    Path dir;

    @Autowired
    TestUsers testUsers;

    private ChromeDriver console;

    @AfterEach
    void quit() {
        if (console != null) {
            console.quit();
        }
    }

    @Test
    void awayDoesNotRingAvailableRingsAndTheAnsweringAgentTagsTheCall() throws Exception {
        String agent = testUsers.create(Role.AGENT);
        console = Chromium.withMicrophone(Chromium.silence(dir));
        String base = "http://localhost:" + port;
        Chromium.signIn(console, base, agent, TestUsers.PASSWORD);
        console.get(base + "/calls");
        await().atMost(Duration.ofSeconds(15)).until(() -> "available".equals(text("availability-status"))
                && console.findElement(testId("availability-toggle")).isEnabled());

        console.findElement(testId("availability-toggle")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> "away".equals(text("availability-status")));

        String missedId;
        try (EventSocketClient caller = EventSocketClient.caller(port)) {
            caller.sendJson("type", "dial", "callerName", "While away");
            missedId = caller.awaitType("leg").path("callId").asString();
            assertThat(caller.awaitCallState(missedId, "missed").path("call").path("endReason").asString())
                    .isEqualTo("no_agent_available");
        }
        // It never rang here; it waits on the list of calls to call back.
        await().atMost(Duration.ofSeconds(10)).until(() -> !console
                .findElements(By.cssSelector("[data-testid=callback-row][data-call-id='" + missedId + "']")).isEmpty());
        assertThat(console.findElements(By.cssSelector("[data-testid=call-row][data-call-id='" + missedId + "']")))
                .isEmpty();
        assertThat(console.getTitle()).doesNotStartWith("(");

        console.findElement(testId("availability-toggle")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> "available".equals(text("availability-status")));
        try (EventSocketClient caller = EventSocketClient.caller(port)) {
            caller.sendJson("type", "dial", "callerName", "Back again");
            String callId = caller.awaitType("leg").path("callId").asString();
            WebElement row = await().atMost(Duration.ofSeconds(10)).until(() -> console.findElements(
                    By.cssSelector("[data-testid=call-row][data-call-id='" + callId + "']")), rows -> !rows.isEmpty()).get(0);
            row.findElement(testId("answer")).click();
            caller.awaitCallState(callId, "answered");
            await().atMost(Duration.ofSeconds(10)).until(() -> console.findElement(testId("notes-form")).isDisplayed());

            new Select(console.findElement(testId("notes-outcome"))).selectByValue("sale");
            console.findElement(testId("notes-tags")).sendKeys("Billing, vip");
            console.findElement(testId("notes-text")).sendKeys("Upgraded to the yearly plan");
            console.findElement(testId("notes-save")).click();
            await().atMost(Duration.ofSeconds(10)).until(() -> "Saved.".equals(text("notes-status")));
            assertThat(console.findElement(testId("notes-tags")).getDomProperty("value")).isEqualTo("billing vip");

            var stored = JsonMapper.builder().build().readTree(signedInAdmin().get("/api/calls/" + callId).body());
            assertThat(stored.path("outcomeCode").asString()).isEqualTo("sale");
            assertThat(stored.path("tags").toString()).isEqualTo("[\"billing\",\"vip\"]");
            assertThat(stored.path("notes").asString()).isEqualTo("Upgraded to the yearly plan");
            caller.sendJson("type", "hangup", "callId", callId);
            caller.awaitCallState(callId, "ended");
        }
    }

    private String text(String testId) {
        return console.findElement(testId(testId)).getText();
    }

    private static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }
}
