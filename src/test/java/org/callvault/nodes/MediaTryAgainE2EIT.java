package org.callvault.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.callvault.nodes.NodePages.awaitConnected;
import static org.callvault.nodes.NodePages.awaitStatus;
import static org.callvault.nodes.NodePages.dialAndAnswer;
import static org.callvault.nodes.NodePages.resumeToken;
import static org.callvault.nodes.NodePages.stat;
import static org.callvault.nodes.NodePages.testId;
import static org.callvault.nodes.NodePages.text;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.callvault.media.ToneDetector;
import org.callvault.support.Chromium;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.ServerProcess;
import org.callvault.support.WavFile;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * A media socket closed 4503, seen by the real pages (docs/protocol.md): a phone and a console in
 * headless Chromium, through the real HAProxy in front of two nodes, talk in a call. The balancer
 * then cuts the media sockets to the call's node and sends new ones to the other node (its runtime
 * API: {@code disable server} and {@code shutdown sessions} on the backend of media sockets alone),
 * while that node stays alive, beating, and holds the pages' event sockets. Each page's reconnect
 * reaches the other node, which closes it 4503 (the call's node is alive and carries the call); the
 * pages retry each second; once the balancer lets media through to the call's node again, both
 * pages are back there, audio flows both ways, the call goes on, and its recording has no hole
 * longer than the outage. The pages' event sockets are on different nodes, so the console (Opus,
 * as the phone) answers a call of the other node; a second outage shows each page counting its
 * 4503 closes from 1 again.
 */
@DatabaseIndependent
class MediaTryAgainE2EIT extends TwoPagesTest {

    private static final int CALLER_HZ = 1000;
    private static final int AGENT_HZ = 600;
    private static final String TRY_AGAIN_LINE = "media socket closed 4503";
    /** The 4503 closes each page sees before the balancer lets media through again: 2 retries, ~2.2 s out. */
    private static final int CLOSES_BEFORE_BACK = 2;
    /** 50 frames a second: what proves audio flows again, and outlasts the 5 s grace period of a leg. */
    private static final int FRAMES_AFTER = 300;
    /** A hole may end up to a frame or so after the socket is open (the next captured frame, its encoding). */
    private static final long HOLE_MARGIN_MS = 100;

    @Test
    void aMediaSocketClosed4503IsRetriedUntilTheCallsNodeIsReachableAgainAndTheCallGoesOn() throws Exception {
        try (CallNodes nodes = CallNodes.startWithMediaBackend(dir, "--callvault.calls.when-nobody-available=wait")) {
            String base = "http://localhost:" + nodes.proxy.port;
            phone = Chromium.withMicrophone(Chromium.tone(dir, "caller.wav", CALLER_HZ));
            console = Chromium.withMicrophone(Chromium.tone(dir, "agent.wav", AGENT_HZ));
            Chromium.signIn(console, base, "admin", ServerProcess.ADMIN_PASSWORD);
            console.get(base + "/calls");
            awaitConnected(console);
            String consoleNode = await().atMost(Duration.ofSeconds(10)).until(() -> eventSocketsOn(nodes),
                    n -> n != null && n.length() == 1);
            // The phone's event socket on the other node than the console's (the call's node is the phone's):
            // the console, an Opus page like the phone, answers across nodes, and its media socket goes to
            // the call's node, which must know the codec it agreed on its own (docs/ARCHITECTURE.md, "Live
            // calls across nodes"). Reloaded until the balancer puts it there.
            String phoneNode;
            int loads = 0;
            do {
                assertThat(loads++).as("the balancer alternates").isLessThan(10);
                phone.get(base + "/phone");
                awaitConnected(phone);
                phoneNode = await().atMost(Duration.ofSeconds(10)).until(() -> eventSocketsOn(nodes),
                        n -> n != null && n.length() == 2);
            }
            while (!"ab".equals(phoneNode));
            dialAndAnswer(phone, console, "Through a media outage");
            String callId = String.valueOf(phone.executeScript("return window.callvaultStats.callId"));
            String token = resumeToken(phone);
            String carrier = token.substring(0, token.indexOf('.'));
            String other = "a".equals(carrier) ? "b" : "a";
            assertThat(consoleNode).as("the console's event socket on the other node than the call's").isEqualTo(other);
            assertThat(String.valueOf(console.executeScript("return window.callvaultStats.codec")))
                    .as("the console talks Opus").isEqualTo("opus");
            await().atMost(Duration.ofSeconds(20)).until(() -> stat(phone, "framesReceived") >= 100
                    && stat(console, "framesReceived") >= 100);
            assertThat(mediaSessions(nodes, carrier)).as("both pages' media sockets on the call's node").isEqualTo(2);
            long toOtherBefore = mediaSessionsEver(nodes, other);
            tryAgainLines(phone);
            tryAgainLines(console);

            // The balancer cuts the media sockets to the call's node and sends new ones elsewhere.
            long cutAt = System.nanoTime();
            nodes.proxy.runtime("disable server media/" + carrier);
            nodes.proxy.runtime("shutdown sessions server media/" + carrier);
            AtomicBoolean eventSocketsStayed = new AtomicBoolean(true);
            int[] closes = new int[2];
            await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(50)).until(() -> {
                closes[0] += tryAgainLines(phone);
                closes[1] += tryAgainLines(console);
                eventSocketsStayed.compareAndSet(true, connected(phone) && connected(console));
                return closes[0] >= CLOSES_BEFORE_BACK && closes[1] >= CLOSES_BEFORE_BACK;
            });
            assertThat(mediaSessions(nodes, carrier)).as("no media socket got through to the call's node").isZero();
            nodes.proxy.runtime("enable server media/" + carrier);
            await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(20)).until(
                    () -> "open".equals(media(phone)) && "open".equals(media(console)));
            long outageMs = (System.nanoTime() - cutAt) / 1_000_000;
            closes[0] += tryAgainLines(phone);
            closes[1] += tryAgainLines(console);

            // Back on the call's node: its media flows both ways for longer than a leg's grace period.
            assertThat(mediaSessions(nodes, carrier)).as("both media sockets back on the call's node").isEqualTo(2);
            assertThat(mediaSessions(nodes, other)).isZero();
            long refused = mediaSessionsEver(nodes, other) - toOtherBefore;
            assertThat(refused).as("every 4503 was a socket the other node closed").isEqualTo(closes[0] + closes[1]);
            awaitFramesBothWays(phone, console, eventSocketsStayed);
            assertThat(eventSocketsStayed).as("only media sockets were cut").isTrue();
            assertThat(text(phone, "call-status")).isEqualTo("answered");
            assertThat(text(console, "call-status")).isEqualTo("answered");
            assertThat(nodes.row(callId).get("call_state")).as("the call goes on").isEqualTo("ANSWERED");
            assertThat(text(phone, "error")).as("the phone shows no error").isEmpty();
            // What each page hears now is the other's voice (a tone tells whose, whatever its level).
            assertThat(heard(console, CALLER_HZ)).as("the console hears the caller")
                    .isGreaterThan(10 * heard(console, AGENT_HZ));
            assertThat(heard(phone, AGENT_HZ)).as("the phone hears the agent")
                    .isGreaterThan(10 * heard(phone, CALLER_HZ));

            // A second, shorter outage: a page's count of 4503 closes (at most 600 in a row) starts again
            // once its media socket opens, so the first close of this outage is number 1 on each page.
            long secondCutAt = System.nanoTime();
            nodes.proxy.runtime("disable server media/" + carrier);
            nodes.proxy.runtime("shutdown sessions server media/" + carrier);
            String[] firstLines = new String[2];
            await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(50)).until(() -> {
                firstLines[0] = firstLines[0] != null ? firstLines[0] : firstTryAgainLine(phone);
                firstLines[1] = firstLines[1] != null ? firstLines[1] : firstTryAgainLine(console);
                return firstLines[0] != null && firstLines[1] != null;
            });
            nodes.proxy.runtime("enable server media/" + carrier);
            await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(20)).until(
                    () -> "open".equals(media(phone)) && "open".equals(media(console)));
            long secondOutageMs = (System.nanoTime() - secondCutAt) / 1_000_000;
            assertThat(firstLines[0]).as("the phone counts this outage's closes from 1").contains("(1 of 600)");
            assertThat(firstLines[1]).as("the console counts this outage's closes from 1").contains("(1 of 600)");
            awaitFramesBothWays(phone, console, eventSocketsStayed);
            assertThat(eventSocketsStayed).as("only media sockets were cut, the second time too").isTrue();

            phone.findElement(testId("hangup")).click();
            awaitStatus(phone, "ended");
            awaitStatus(console, "ended");
            Map<String, Object> row = await().atMost(Duration.ofSeconds(20)).until(() -> nodes.row(callId),
                    r -> "COMPLETE".equals(r.get("recording_status")));
            assertThat(row.get("end_reason")).isEqualTo("CALLER_HANGUP");
            assertThat(row.get("home_node")).isEqualTo(carrier);

            // The recording: one hole, the outage's (both legs were out), no longer; both voices after it.
            WavFile wav = WavFile.read(("a".equals(carrier) ? nodes.a() : nodes.b()).findWav(callId));
            short[] samples = wav.samples();
            long holeMs = longestSilenceMs(samples, wav.sampleRate());
            System.out.printf("MediaTryAgainE2EIT: call on node %s, console on node %s; media out %d ms, then %d ms;"
                    + " 4503 closes: phone %d, console %d; longest hole in the recording %d ms of %.0f ms%n", carrier,
                    other, outageMs, secondOutageMs, closes[0], closes[1], holeMs, wav.durationMs());
            assertThat(holeMs).as("the outage shows in the recording").isGreaterThanOrEqualTo(1000);
            assertThat(holeMs).as("no hole longer than the longer outage")
                    .isLessThanOrEqualTo(Math.max(outageMs, secondOutageMs) + HOLE_MARGIN_MS);
            // Both voices after it: the browsers' noise suppression may turn a steady tone down a lot,
            // so a share of the power, not a level; a tone absent from the mix has about 1e-8 of it.
            int lastSeconds = 4 * wav.sampleRate();
            int from = samples.length - lastSeconds;
            double caller = ToneDetector.relativePower(samples, from, lastSeconds, CALLER_HZ, wav.sampleRate());
            double agent = ToneDetector.relativePower(samples, from, lastSeconds, AGENT_HZ, wav.sampleRate());
            System.out.printf("MediaTryAgainE2EIT: last 4 s of the recording: caller's tone %.4f, agent's %.4f of the"
                    + " power%n", caller, agent);
            assertThat(caller).as("the caller after the outage").isGreaterThan(0.001);
            assertThat(agent).as("the agent after the outage").isGreaterThan(0.001);
        }
    }

    /** 300 more frames each way on both pages: the call goes on, for longer than a leg's grace period. */
    private static void awaitFramesBothWays(ChromeDriver phone, ChromeDriver console, AtomicBoolean eventSocketsStayed) {
        long[] before = { stat(phone, "framesSent"), stat(phone, "framesReceived"), stat(console, "framesSent"),
                stat(console, "framesReceived") };
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            eventSocketsStayed.compareAndSet(true, connected(phone) && connected(console));
            return stat(phone, "framesSent") - before[0] >= FRAMES_AFTER
                    && stat(phone, "framesReceived") - before[1] >= FRAMES_AFTER
                    && stat(console, "framesSent") - before[2] >= FRAMES_AFTER
                    && stat(console, "framesReceived") - before[3] >= FRAMES_AFTER;
        });
    }

    /** The first of the page's lines about a media socket closed 4503 since the last look, or null. */
    private static String firstTryAgainLine(ChromeDriver driver) {
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getMessage().contains(TRY_AGAIN_LINE)) {
                return entry.getMessage();
            }
        }
        return null;
    }

    /** The page's lines about a media socket closed 4503 since the last look (reading the log empties it). */
    private static int tryAgainLines(ChromeDriver driver) {
        int lines = 0;
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getMessage().contains(TRY_AGAIN_LINE)) {
                lines++;
            }
        }
        return lines;
    }

    /** Share of the power at {@code hz} in the last second the page received (Goertzel). */
    private static double heard(ChromeDriver driver, int hz) {
        // The page's own rate: 48 kHz under Opus, else 44.1 kHz.
        int rate = ((Number) driver.executeScript("return window.callvaultDebug.audioState().sampleRate")).intValue();
        List<?> received = (List<?>) driver.executeScript("return window.callvaultDebug.recentReceived(" + rate + ")");
        short[] samples = new short[received.size()];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = ((Number) received.get(i)).shortValue();
        }
        return ToneDetector.relativePower(samples, 0, samples.length, hz, rate);
    }

    private static boolean connected(ChromeDriver driver) {
        return "connected".equals(driver.findElement(testId("connection")).getDomAttribute("data-status"));
    }

    private static String media(ChromeDriver driver) {
        return String.valueOf(driver.executeScript("return window.callvaultStats.media"));
    }

    /**
     * Where the pages' event sockets are (the balancer's only open sessions in backend {@code nodes}
     * once the pages are connected): each one's node, in node order ("a", "ab", "bb"...), null while
     * there is none.
     */
    private static String eventSocketsOn(CallNodes nodes) throws IOException {
        String on = "a".repeat((int) haproxyStat(nodes, "nodes", "a", 4))
                + "b".repeat((int) haproxyStat(nodes, "nodes", "b", 4));
        return on.isEmpty() ? null : on;
    }

    /** Media sockets open now through the balancer to {@code node} (HAProxy's scur). */
    private static long mediaSessions(CallNodes nodes, String node) throws IOException {
        return mediaStat(nodes, node, 4);
    }

    /** Media sockets the balancer ever sent to {@code node} (HAProxy's stot). */
    private static long mediaSessionsEver(CallNodes nodes, String node) throws IOException {
        return mediaStat(nodes, node, 7);
    }

    private static long mediaStat(CallNodes nodes, String node, int column) throws IOException {
        return haproxyStat(nodes, "media", node, column);
    }

    /** One column of HAProxy's {@code show stat} for server {@code backend/node}. */
    private static long haproxyStat(CallNodes nodes, String backend, String node, int column) throws IOException {
        for (String line : nodes.proxy.runtime("show stat").split("\n")) {
            String[] fields = line.split(",");
            if (fields.length > column && backend.equals(fields[0]) && node.equals(fields[1])) {
                return Long.parseLong(fields[column]);
            }
        }
        throw new AssertionError("no server " + backend + "/" + node + " in HAProxy's stats");
    }

    /**
     * The longest run of silent 10 ms windows, in ms: the recording writes silence where neither leg
     * sent anything; a window counts as silent below 1% of the typical window's level (the tones).
     */
    private static long longestSilenceMs(short[] samples, int sampleRate) {
        int window = sampleRate / 100;
        double[] levels = new double[samples.length / window];
        for (int w = 0; w < levels.length; w++) {
            double sum = 0;
            for (int i = w * window; i < (w + 1) * window; i++) {
                sum += (double) samples[i] * samples[i];
            }
            levels[w] = Math.sqrt(sum / window);
        }
        double[] sorted = levels.clone();
        java.util.Arrays.sort(sorted);
        double quiet = sorted[sorted.length / 2] / 100;
        int longest = 0;
        int run = 0;
        for (double level : levels) {
            run = level < quiet ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest * 10L;
    }
}
