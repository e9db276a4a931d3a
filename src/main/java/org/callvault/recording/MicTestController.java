package org.callvault.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.callvault.media.AudioFormat;
import org.callvault.media.Pcm16;
import org.callvault.system.CallVaultProperties;
import org.callvault.system.ClientAddress;
import org.callvault.system.KeyedRateLimiter;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.WebSession;

/**
 * "Test 5s recording": the page uploads a few seconds of raw microphone PCM, the server stores it
 * as a WAV apart from call recordings (recordings/mic-tests/), and the page plays the server's copy.
 * Tests are kept for an hour. The page is public: uploads are limited per client address and per
 * session (429 with Retry-After), and their space by {@link MicTestStorage} (507 when the disk is low).
 */
@RestController
class MicTestController {

    private final MicTestStorage storage;
    private final AudioFormat format;
    private final KeyedRateLimiter perAddress;
    private final KeyedRateLimiter perSession;

    MicTestController(MicTestStorage storage, AudioFormat format, CallVaultProperties properties) {
        this.storage = storage;
        this.format = format;
        this.perAddress = new KeyedRateLimiter(properties.micTests().perAddressPerMinute());
        this.perSession = new KeyedRateLimiter(properties.micTests().perSessionPerMinute());
    }

    @PostMapping(path = "/api/mic-tests", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<Map<String, Object>> upload(@RequestBody(required = false) byte[] pcm, ServerHttpRequest request,
            WebSession session) throws IOException {
        long maxBytes = 2L * format.sampleRate() * 6;
        long minBytes = 2L * format.sampleRate() / 2;
        if (pcm == null || pcm.length < minBytes || pcm.length > maxBytes || pcm.length % 2 != 0) {
            return ResponseEntity.badRequest().body(Map.of("error", "bad_audio", "message",
                    "Send 0.5 to 6 seconds of 16-bit little-endian mono PCM at " + format.sampleRate() + " Hz"));
        }
        ResponseEntity<Map<String, Object>> refused = rateLimited(request, session);
        if (refused != null) {
            return refused;
        }
        UUID id = UUID.randomUUID();
        Path file;
        try {
            file = storage.reserve(id, WavHeader.SIZE + pcm.length);
        }
        catch (MicTestStorage.NoRoomException e) {
            return ResponseEntity.status(HttpStatus.INSUFFICIENT_STORAGE)
                    .body(Map.of("error", "insufficient_storage", "message", e.getMessage()));
        }
        short[] samples = new short[pcm.length / 2];
        Pcm16.decode(pcm, 0, pcm.length, samples);
        try (WavFileWriter writer = new WavFileWriter(file, format.sampleRate(), 1)) {
            writer.write(samples, 0, samples.length);
            writer.finish();
        }
        long bytes = Files.size(file);
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("id", id.toString(), "url",
                "/api/mic-tests/" + id, "durationMs", format.millisFor(samples.length), "bytes", bytes));
    }

    @GetMapping("/api/mic-tests/{id}")
    ResponseEntity<Resource> download(@PathVariable String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        }
        catch (IllegalArgumentException e) {
            return ResponseEntity.notFound().build();
        }
        Path file = file(uuid);
        if (!Files.isRegularFile(file)) {
            return ResponseEntity.notFound().build();
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("audio/wav"))
                .body(new FileSystemResource(file));
    }

    private Path file(UUID id) {
        return storage.file(id);
    }

    /** 429 with Retry-After, when this address or session has made too many tests lately. */
    private ResponseEntity<Map<String, Object>> rateLimited(ServerHttpRequest request, WebSession session) {
        Duration wait = perAddress.tryAcquire(ClientAddress.of(request));
        if (wait.isZero() && session != null) {
            wait = perSession.tryAcquire(session.getId());
        }
        if (wait.isZero()) {
            return null;
        }
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                .body(Map.of("error", "rate_limited", "message",
                        "Too many microphone tests from here; try again in " + seconds + " s", "retryAfterSeconds",
                        seconds));
    }

    @Scheduled(fixedDelay = 60_000)
    void forgetIdleLimits() {
        perAddress.forgetIdle();
        perSession.forgetIdle();
    }
}
