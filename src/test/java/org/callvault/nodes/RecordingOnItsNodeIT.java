package org.callvault.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import org.callvault.support.CallHarness;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 point 3, recordings on each node's disk (no object storage): two real nodes behind a
 * real HAProxy ({@link CallNodes}). A call recorded on node a is asked of node b: 307 to the same
 * address plus {@code node=a}; followed through the balancer it is node a's file, byte for byte
 * (Range, download, peaks). Anonymous users get 401 and learn nothing; a bad node id is 400; a
 * request already sent on that reaches the wrong node (sent to b directly, or a gone) is 503,
 * never another redirect.
 */
@DatabaseIndependent
class RecordingOnItsNodeIT {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the servers' logs
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void aRecordingOnNodeAIsPlayedThroughNodeBByARedirectToItsNode() throws Exception {
        try (CallNodes nodes = CallNodes.start(dir)) {
            WebClientSession admin = nodes.a().signedInAdmin();
            String callId;
            try (CallHarness call = new CallHarness(nodes.a().port, admin)) {
                callId = call.dial("Recorded on a");
                call.answer();
                call.talk(440, 880);
                await().atMost(Duration.ofSeconds(20)).until(() -> nodes.a().findWav(callId),
                        f -> f != null && f.toFile().length() > 44 + 44_100 * 2);
                call.hangUpByCaller();
            }
            Map<String, Object> row = await().atMost(Duration.ofSeconds(20)).until(() -> nodes.row(callId),
                    r -> "COMPLETE".equals(r.get("recording_status")));
            assertThat(row.get("home_node")).isEqualTo("a");
            assertThat(nodes.b().findWav(callId)).as("local storage: only node a holds the file").isNull();
            byte[] onA = Files.readAllBytes(nodes.a().findWav(callId));
            String audio = "/api/recordings/" + row.get("recording_id") + "/audio";
            String cookie = admin.cookieHeader();
            Map<String, String> range = Map.of("Range", "bytes=1000-4999");

            var direct = get(nodes.a().port, audio, cookie, range);
            assertThat(direct.statusCode()).isEqualTo(206);
            assertThat(direct.body()).isEqualTo(Arrays.copyOfRange(onA, 1000, 5000));

            // Node b does not hold it: back to the balancer, for node a.
            var redirect = get(nodes.b().port, audio, cookie, range);
            assertThat(redirect.statusCode()).isEqualTo(307);
            assertThat(redirect.headers().firstValue("Location")).hasValue(audio + "?node=a");
            var followed = get(nodes.proxy.port, redirect.headers().firstValue("Location").orElseThrow(), cookie, range);
            assertThat(followed.statusCode()).isEqualTo(206);
            assertThat(followed.headers().firstValue("X-CallVault-Node")).hasValue("a");
            assertThat(followed.headers().firstValue("Content-Range")).hasValue("bytes 1000-4999/" + onA.length);
            assertThat(followed.body()).isEqualTo(Arrays.copyOfRange(onA, 1000, 5000));

            // The query is kept: a download stays a download; the waveform goes the same way.
            var download = get(nodes.b().port, audio + "?download=true", cookie, Map.of());
            assertThat(download.headers().firstValue("Location")).hasValue(audio + "?download=true&node=a");
            var downloaded = get(nodes.proxy.port, audio + "?download=true&node=a", cookie, Map.of());
            assertThat(downloaded.statusCode()).isEqualTo(200);
            assertThat(downloaded.body()).isEqualTo(onA);
            assertThat(downloaded.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment");
            String peaks = "/api/recordings/" + row.get("recording_id") + "/peaks";
            assertThat(get(nodes.b().port, peaks, cookie, Map.of()).headers().firstValue("Location"))
                    .hasValue(peaks + "?node=a");
            var drawn = get(nodes.proxy.port, peaks + "?node=a", cookie, Map.of());
            assertThat(drawn.statusCode()).isEqualTo(200);
            assertThat(new String(drawn.body(), StandardCharsets.UTF_8)).contains("\"buckets\"");

            // Rights first: nobody learns where a recording is before they may hear it.
            var anonymous = get(nodes.b().port, audio, null, range);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("Location")).isEmpty();
            assertThat(get(nodes.b().port, "/api/recordings/" + java.util.UUID.randomUUID() + "/audio", cookie, range)
                    .statusCode()).isEqualTo(404);

            // A node id is a node id: it goes into a header.
            for (String bad : new String[] { "a.b", "a%0d%0aX-Evil:%201", "x".repeat(33), "" }) {
                assertThat(get(nodes.b().port, audio + "?node=" + bad, cookie, range).statusCode()).as(bad)
                        .isEqualTo(400);
            }

            // Already sent on, still on the wrong node: an error naming the node, never a loop.
            var wrongNode = get(nodes.b().port, audio + "?node=a", cookie, range);
            assertThat(wrongNode.statusCode()).isEqualTo(503);
            assertThat(wrongNode.headers().firstValue("Location")).isEmpty();
            assertThat(new String(wrongNode.body(), StandardCharsets.UTF_8)).contains("node_unreachable")
                    .contains("node a");

            // Node a gone: the balancer ignores its rule once the health check took a out, and b says so.
            nodes.a().process().destroyForcibly().waitFor();
            var gone = await().atMost(Duration.ofSeconds(20)).until(
                    () -> get(nodes.proxy.port, audio + "?node=a", cookie, range),
                    r -> r.headers().firstValue("X-CallVault-Node").filter("b"::equals).isPresent());
            assertThat(gone.statusCode()).isEqualTo(503);
            assertThat(new String(gone.body(), StandardCharsets.UTF_8)).contains("node_unreachable");
        }
    }

    private HttpResponse<byte[]> get(int port, String pathAndQuery, String cookie, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        headers.forEach(request::header);
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
