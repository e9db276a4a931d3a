package org.callvault.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.callvault.nodes.NodePages.awaitConnected;
import static org.callvault.nodes.NodePages.awaitStatus;
import static org.callvault.nodes.NodePages.dialAndAnswer;
import static org.callvault.nodes.NodePages.resumeToken;
import static org.callvault.nodes.NodePages.shows;
import static org.callvault.nodes.NodePages.testId;
import static org.callvault.nodes.NodePages.text;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.callvault.support.Chromium;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.ServerProcess;
import org.junit.jupiter.api.Test;

/**
 * Losing a node, seen by the real pages (issue 19 point 5): a console and a phone in headless
 * Chromium, both through the real HAProxy in front of two nodes, in a call; the node carrying the
 * call gets SIGKILL. The phone page, back through the balancer before the loss is declared, is told
 * to try again, does so, and then says its call ended because the server was lost; both pages
 * reconnect to the survivor by themselves, and a new call is dialled and answered there.
 */
@DatabaseIndependent
class NodeLossE2EIT extends TwoPagesTest {

    private static final String SERVER_LOST_TEXT = "The server carrying this call was lost";
    private static final String TRY_AGAIN_TEXT = "is not answering";
    /**
     * Long enough that the phone is back (HAProxy takes the dead node out after 3 failed checks a
     * second apart; the page retries at 0.5, 1.5, 3.5, 7.5 s) before the loss is declared: its
     * resume is told to try again, and the page must do so to learn the outcome.
     */
    private static final Duration LOST_AFTER = Duration.ofSeconds(12);

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

            dialAndAnswer(phone, console, "Before the loss");
            String token = resumeToken(phone);
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
            dialAndAnswer(phone, console, "After the loss");
            String after = resumeToken(phone);
            assertThat(after).as("the survivor carries it").doesNotStartWith(carrier + ".");
            phone.findElement(testId("hangup")).click();
            awaitStatus(phone, "ended");
            awaitStatus(console, "ended");
        }
    }
}
