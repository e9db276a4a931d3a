package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.callvault.support.IntegrationTest;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The public "Test 5s recording": a few uploads per session and per address a minute (429 with
 * Retry-After), and the kept tests together under a cap (the oldest go).
 */
@TestPropertySource(properties = { "callvault.mic-tests.per-address-per-minute=8",
        "callvault.mic-tests.per-session-per-minute=3", "callvault.mic-tests.max-total-size=2MB" })
class MicTestLimitsIT extends IntegrationTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    /** Five seconds of PCM: a 441,044-byte WAV once stored. */
    static final byte[] FIVE_SECONDS = new byte[5 * 44_100 * 2];

    @Autowired
    RecordingStore store;

    @Test
    void uploadsAreLimitedPerSessionAndPerAddressAndTheKeptTotalIsCapped() throws IOException {
        List<String> urls = new ArrayList<>();
        WebClientSession first = phone();
        for (int i = 0; i < 3; i++) {
            urls.add(created(upload(first)));
        }
        HttpResponse<String> overSession = upload(first);
        assertRateLimited(overSession);

        // Another session from the same address: the address has 8 a minute, 4 are spent.
        WebClientSession second = phone();
        for (int i = 0; i < 3; i++) {
            urls.add(created(upload(second)));
        }
        WebClientSession third = phone();
        urls.add(created(upload(third)));
        assertRateLimited(upload(third)); // the address's 9th

        // Seven tests were made, but only four of 441 KB fit in 2 MB: the oldest were deleted.
        assertThat(keptBytes()).isLessThanOrEqualTo(2L * 1024 * 1024);
        assertThat(keptFiles()).isEqualTo(4);
        assertThat(third.getBytes(urls.get(0), Map.of()).statusCode()).isEqualTo(404);
        assertThat(third.getBytes(urls.get(6), Map.of()).statusCode()).isEqualTo(200);
    }

    private static void assertRateLimited(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(429);
        long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").asString()).isEqualTo("rate_limited");
        assertThat(body.path("retryAfterSeconds").asLong()).isEqualTo(retryAfter);
    }

    private static String created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body()).path("url").asString();
    }

    private WebClientSession phone() {
        WebClientSession session = newSession();
        session.get("/login"); // a page: the session and its CSRF token
        return session;
    }

    static HttpResponse<String> upload(WebClientSession session) {
        return session.send(HttpRequest.newBuilder(URI.create(session.baseUrl() + "/api/mic-tests"))
                .header("Content-Type", "application/octet-stream").header("X-CSRF-TOKEN", session.csrfToken())
                .POST(HttpRequest.BodyPublishers.ofByteArray(FIVE_SECONDS)).build());
    }

    private long keptBytes() throws IOException {
        try (Stream<Path> files = Files.list(store.micTestsDir())) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private long keptFiles() throws IOException {
        try (Stream<Path> files = Files.list(store.micTestsDir())) {
            return files.count();
        }
    }
}
