package org.callvault.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * call gets SIGKILL. The phone page, back through the balancer before the loss is declared, is told
 * to try again, does so, and then says its call ended because the server was lost; both pages
 * reconnect to the survivor by themselves, and a new call is dialled and answered there.
 */
@DatabaseIndependent
class NodeLossE2EIT {

    private static final String SERVER_LOST_TEXT = "The server carrying this call was lost";
    private static final String TRY_AGAIN_TEXT = "is not answering";
    /**
     * Long enough that the phone is back (HAProxy takes the dead node out after 3 failed checks a
     * second apart; the page retries at 0.5, 1.5, 3.5, 7.5 s) before the loss is declared: its
     * resume is told to try again, and the page must do so to learn the outcome.
     */
    private static final Duration LOST_AFTER = Duration.ofSeconds(12);

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
        try (CallNodes nodes = CallNodes.start(dir, "--callvault.cluster.node-lost-after=" + LOST_AFTER.toSeconds() + "s",
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
            long killedAt = System.nanoTime();
            killed.process().destroyForcibly().waitFor();

            // The phone: told to try again, it does; then its call is over because its server was lost, said in words.
            AtomicBoolean toldToTryAgain = new AtomicBoolean();
            await().atMost(LOST_AFTER.plusSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                toldToTryAgain.compareAndSet(false, shows(phone, "error", TRY_AGAIN_TEXT));
                return shows(phone, "error", SERVER_LOST_TEXT) || shows(phone, "call-outcome", SERVER_LOST_TEXT);
            });
            long lostMs = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(toldToTryAgain).as("the resume reached the survivor before the loss was declared").isTrue();
            assertThat(lostMs).as("not before the loss is declared").isGreaterThan(LOST_AFTER.minusSeconds(1).toMillis());
            await().atMost(Duration.ofSeconds(40)).until(() -> !"answered".equals(text(phone, "call-status")));
            await().atMost(Duration.ofSeconds(40)).until(() -> !"answered".equals(text(console, "call-status")));
            System.out.printf("NodeLossE2EIT: node %s killed; after %d ms (lost-after %d ms) the phone says: error '%s',"
                    + " outcome '%s'; console: %s%n", carrier, lostMs, LOST_AFTER.toMillis(), text(phone, "error"),
                    text(phone, "call-outcome"), text(console, "call-status"));

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
