package org.callvault.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.callvault.support.Chromium;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.ServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Losing a node, seen by the real pages (issue 19 point 5): a console and a phone in headless
 * Chromium, both through the real HAProxy in front of two nodes, in a call; the node carrying the
 * call gets SIGKILL. The phone page says its call ended because the server was lost (after being
 * told to try again while the loss was not yet declared), both pages reconnect to the survivor by
 * themselves, and a new call is dialled and answered there.
 */
@DatabaseIndependent
class NodeLossE2EIT {

    private static final String SERVER_LOST_TEXT = "The server carrying this call was lost";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the servers' logs
    Path dir;

    private ChromeDriver phone;
    private ChromeDriver console;

    @AfterEach
    void quit() {
        Chromium.quit(phone, console);
    }

    @Test
    void killingTheCallsNodeEndsItServerLostOnThePhoneAndBothPagesCarryOnWithTheSurvivor() throws Exception {
        try (CallNodes nodes = CallNodes.start(dir, "--callvault.cluster.node-lost-after=3s",
                "--callvault.calls.when-nobody-available=wait", "--callvault.calls.dials-per-minute=1000")) {
            String base = "http://localhost:" + nodes.proxy.port;
            Path silence = Chromium.silence(dir);
            console = Chromium.withMicrophone(silence);
            phone = Chromium.withMicrophone(silence);
            Chromium.signIn(console, base, "admin", ServerProcess.ADMIN_PASSWORD);
            console.get(base + "/calls");
            awaitConnected(console);
            phone.get(base + "/phone");
            awaitConnected(phone);

            dialAndAnswer("Before the loss");
            String token = (String) phone.executeScript(
                    "return JSON.parse(sessionStorage.getItem('callvault.caller.leg')).resumeToken");
            String carrier = token.substring(0, token.indexOf('.'));
            assertThat(carrier).isIn("a", "b");
            ServerProcess killed = "a".equals(carrier) ? nodes.a() : nodes.b();
            killed.process().destroyForcibly().waitFor();

            // The phone: its call is over because its server was lost, said in words, and it is idle.
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
                    .until(() -> shows(phone, "error", SERVER_LOST_TEXT) || shows(phone, "call-outcome", SERVER_LOST_TEXT));
            await().atMost(Duration.ofSeconds(40)).until(() -> !"answered".equals(text(phone, "call-status")));
            await().atMost(Duration.ofSeconds(40)).until(() -> !"answered".equals(text(console, "call-status")));
            System.out.printf("NodeLossE2EIT: node %s killed; phone says: error '%s', outcome '%s'; console: %s%n", carrier,
                    text(phone, "error"), text(phone, "call-outcome"), text(console, "call-status"));

            // Both pages are connected again (to the survivor) by themselves, and a new call goes through.
            awaitConnected(phone);
            awaitConnected(console);
            dialAndAnswer("After the loss");
            String after = (String) phone.executeScript(
                    "return JSON.parse(sessionStorage.getItem('callvault.caller.leg')).resumeToken");
            assertThat(after).as("the survivor carries it").doesNotStartWith(carrier + ".");
            phone.findElement(testId("hangup")).click();
            awaitStatus(phone, "ended");
            awaitStatus(console, "ended");
        }
    }

    /** The phone dials, the console answers the call's row, both pages show it answered. */
    private void dialAndAnswer(String name) {
        WebElement field = phone.findElement(testId("caller-name"));
        field.clear();
        field.sendKeys(name);
        await().atMost(Duration.ofSeconds(20)).until(() -> phone.findElement(testId("dial")).isEnabled());
        phone.findElement(testId("dial")).click();
        awaitStatus(phone, "ringing");
        WebElement answer = await().atMost(Duration.ofSeconds(20)).until(() -> console.findElements(
                By.cssSelector("[data-testid=call-row][data-call-id] [data-testid=answer]")), b -> !b.isEmpty()).get(0);
        answer.click();
        awaitStatus(console, "answered");
        awaitStatus(phone, "answered");
    }

    private static void awaitConnected(WebDriver driver) {
        await().atMost(Duration.ofSeconds(40)).until(
                () -> "connected".equals(driver.findElement(testId("connection")).getDomAttribute("data-status")));
    }

    private static void awaitStatus(WebDriver driver, String status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> status.equals(text(driver, "call-status")));
    }

    private static boolean shows(WebDriver driver, String id, String text) {
        return text(driver, id).contains(text);
    }

    /** The element's text (its content, shown or not: an alert may be hidden again by then). */
    private static String text(WebDriver driver, String id) {
        return String.valueOf(driver.findElement(testId(id)).getDomProperty("textContent")).trim();
    }

    private static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }
}
