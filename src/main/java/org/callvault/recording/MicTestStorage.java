package org.callvault.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.callvault.system.CallVaultProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The kept microphone tests (recordings/mic-tests/). Anyone may make one from the public phone
 * page, so their space is bounded twice: all tests together stay under a cap (the oldest are deleted
 * to make room; a test is played right after its upload, so only old ones go), and no test is
 * written while the recordings disk is below a floor, which is kept for the calls' recordings.
 */
@Component
class MicTestStorage {

    private static final Logger log = LoggerFactory.getLogger(MicTestStorage.class);
    private static final Duration KEEP = Duration.ofHours(1);

    private final RecordingStore store;
    private final long maxTotalBytes;
    private final long minFreeDiskBytes;

    MicTestStorage(RecordingStore store, CallVaultProperties properties) {
        this.store = store;
        this.maxTotalBytes = properties.micTests().maxTotalSize().toBytes();
        this.minFreeDiskBytes = properties.micTests().minFreeDisk().toBytes();
    }

    /** The disk is below the floor that recordings need. */
    static final class NoRoomException extends IOException {
        NoRoomException(String message) {
            super(message);
        }
    }

    Path file(UUID id) {
        return store.micTestsDir().resolve(id + ".wav");
    }

    /**
     * Makes room for a new test of {@code bytes} and returns where to write it. Synchronized: two
     * uploads at once must not both fit in the same room.
     */
    synchronized Path reserve(UUID id, long bytes) throws IOException {
        if (bytes > maxTotalBytes) {
            throw new NoRoomException("A microphone test of " + bytes + " bytes is over the cap of " + maxTotalBytes);
        }
        Path dir = store.micTestsDir();
        PrivateFiles.createDirectories(dir);
        long usable = Files.getFileStore(dir).getUsableSpace();
        if (usable - bytes < minFreeDiskBytes) {
            throw new NoRoomException("The recordings disk has " + usable / (1024 * 1024)
                    + " MB free; microphone tests stop below " + minFreeDiskBytes / (1024 * 1024)
                    + " MB so that calls can still be recorded");
        }
        deleteOldestBeyond(dir, maxTotalBytes - bytes);
        return file(id);
    }

    private void deleteOldestBeyond(Path dir, long allowed) throws IOException {
        List<Kept> kept = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                try {
                    kept.add(new Kept(f, Files.size(f), Files.getLastModifiedTime(f).toMillis()));
                }
                catch (IOException e) {
                    // deleted meanwhile
                }
            }
        }
        long total = kept.stream().mapToLong(Kept::bytes).sum();
        kept.sort(Comparator.comparingLong(Kept::modified));
        for (Kept oldest : kept) {
            if (total <= allowed) {
                return;
            }
            Files.deleteIfExists(oldest.file());
            total -= oldest.bytes();
        }
    }

    private record Kept(Path file, long bytes, long modified) {
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
}
