package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

import org.callvault.media.Pcm16;
import org.callvault.media.ToneDetector;
import org.callvault.media.ToneGenerator;
import org.callvault.support.IntegrationTest;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** "Test 5s recording": upload five seconds of microphone PCM, get the server's WAV back. */
class MicTestIT extends IntegrationTest {

    @Test
    void fiveSecondsOfMicrophoneComeBackAsA441KilobyteWav() {
        WebClientSession phone = newSession();
        phone.get("/login"); // any page: the session and its CSRF token
        short[] tone = new ToneGenerator(44_100, 1000, 8000).generate(0, 5 * 44_100);
        var response = upload(phone, Pcm16.encode(tone, 0, tone.length));
        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode body = JsonMapper.builder().build().readTree(response.body());
        assertThat(body.path("durationMs").asLong()).isEqualTo(5000);
        assertThat(body.path("bytes").asLong()).isEqualTo(44 + 2L * 5 * 44_100);

        var wav = phone.getBytes(body.path("url").asString(), Map.of());
        assertThat(wav.statusCode()).isEqualTo(200);
        assertThat(wav.headers().firstValue("Content-Type")).hasValue("audio/wav");
        assertThat(wav.body()).hasSize(441_044);
        short[] played = Pcm16.decode(wav.body(), 44, wav.body().length - 44);
        assertThat(ToneDetector.relativePower(played, 0, played.length, 1000, 44_100)).isGreaterThan(0.9);
    }

    @Test
    void badUploadsAndUnknownIdsAreRefused() {
        WebClientSession phone = newSession();
        phone.get("/login");
        assertThat(upload(phone, new byte[100]).statusCode()).isEqualTo(400);          // too short
        assertThat(upload(phone, new byte[44_100 * 2 * 7]).statusCode()).isEqualTo(400); // too long
        assertThat(upload(phone, new byte[44_100 + 1]).statusCode()).isEqualTo(400);   // odd length
        assertThat(phone.getBytes("/api/mic-tests/not-a-uuid", Map.of()).statusCode()).isEqualTo(404);
        assertThat(phone.getBytes("/api/mic-tests/..%2F..%2Fetc%2Fpasswd", Map.of()).statusCode()).isIn(400, 404);
        assertThat(phone.getBytes("/api/mic-tests/3f2b8c1e-0000-4000-8000-000000000000", Map.of()).statusCode())
                .isEqualTo(404);
    }

    @Test
    void uploadWithoutCsrfTokenIsRefused() {
        WebClientSession phone = newSession();
        var response = phone.send(HttpRequest.newBuilder(URI.create(phone.baseUrl() + "/api/mic-tests"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[44_100 * 2])).build());
        assertThat(response.statusCode()).isEqualTo(403);
    }

    private static java.net.http.HttpResponse<String> upload(WebClientSession session, byte[] pcm) {
        return session.send(HttpRequest.newBuilder(URI.create(session.baseUrl() + "/api/mic-tests"))
                .header("Content-Type", "application/octet-stream")
                .header("X-CSRF-TOKEN", session.csrfToken())
                .POST(HttpRequest.BodyPublishers.ofByteArray(pcm)).build());
    }
}
