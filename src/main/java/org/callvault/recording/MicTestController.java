package org.callvault.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.callvault.media.AudioFormat;
import org.callvault.media.Pcm16;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * "Test 5s recording": the page uploads a few seconds of raw microphone PCM, the server stores it
 * as a WAV apart from call recordings (recordings/mic-tests/), and the page plays the server's copy.
 * Tests are kept for an hour.
 */
@RestController
class MicTestController {

    private static final Logger log = LoggerFactory.getLogger(MicTestController.class);
    private static final Duration KEEP = Duration.ofHours(1);

    private final RecordingStore store;
    private final AudioFormat format;

    MicTestController(RecordingStore store, AudioFormat format) {
        this.store = store;
        this.format = format;
    }

    @PostMapping(path = "/api/mic-tests", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<Map<String, Object>> upload(@RequestBody(required = false) byte[] pcm) throws IOException {
        long maxBytes = 2L * format.sampleRate() * 6;
        long minBytes = 2L * format.sampleRate() / 2;
        if (pcm == null || pcm.length < minBytes || pcm.length > maxBytes || pcm.length % 2 != 0) {
            return ResponseEntity.badRequest().body(Map.of("error", "bad_audio", "message",
                    "Send 0.5 to 6 seconds of 16-bit little-endian mono PCM at " + format.sampleRate() + " Hz"));
        }
        UUID id = UUID.randomUUID();
        Path file = file(id);
        PrivateFiles.createDirectories(file.getParent());
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

    @Scheduled(fixedDelay = 600_000)
    void deleteOldTests() {
        Path dir = store.micTestsDir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        Instant cutoff = Instant.now().minus(KEEP);
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> {
                try {
                    return Files.getLastModifiedTime(f).toInstant().isBefore(cutoff);
                }
                catch (IOException e) {
                    return false;
                }
            }).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                }
                catch (IOException e) {
                    log.warn("Could not delete old microphone test {}", f, e);
                }
            });
        }
        catch (IOException e) {
            log.warn("Could not clean microphone tests in {}", dir, e);
        }
    }

    private Path file(UUID id) {
        return store.micTestsDir().resolve(id + ".wav");
    }
}
