package org.callvault.nodes;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * What the several-node browser tests do with the real pages ({@code /phone}, {@code /calls}): dial
 * and answer as a person would, and read what the pages show (docs/ui.md's test ids and hooks).
 */
final class NodePages {

    private NodePages() {
    }

    /** The phone dials, the console answers the call's row, both pages show it answered. */
    static void dialAndAnswer(ChromeDriver phone, ChromeDriver console, String name) {
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

    /** The phone's resume token for its call (it starts with the id of the node that carries the call). */
    static String resumeToken(ChromeDriver phone) {
        return (String) phone.executeScript(
                "return JSON.parse(sessionStorage.getItem('callvault.caller.leg')).resumeToken");
    }

    static void awaitConnected(WebDriver driver) {
        await().atMost(Duration.ofSeconds(40)).until(
                () -> "connected".equals(driver.findElement(testId("connection")).getDomAttribute("data-status")));
    }

    static void awaitStatus(WebDriver driver, String status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> status.equals(text(driver, "call-status")));
    }

    static boolean shows(WebDriver driver, String id, String text) {
        return text(driver, id).contains(text);
    }

    /** The element's text (its content, shown or not: an alert may be hidden again by then). */
    static String text(WebDriver driver, String id) {
        return String.valueOf(driver.findElement(testId(id)).getDomProperty("textContent")).trim();
    }

    /** One of the page's live numbers ({@code window.callvaultStats}), 0 while there is none. */
    static long stat(JavascriptExecutor driver, String name) {
        Object value = driver.executeScript("return window.callvaultStats && window.callvaultStats." + name);
        return value instanceof Number n ? n.longValue() : 0;
    }

    static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }
}
