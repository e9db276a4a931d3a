package org.callvault.recording;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

import org.callvault.system.CallVaultProperties;
import org.springframework.stereotype.Component;

/**
 * Where recordings live on disk: {@code <dir>/YYYY/MM/DD/<call-id>.wav}, and microphone tests
 * apart in {@code <dir>/mic-tests/}. Every path is built here from server-made values (a date and
 * a UUID), never from anything a request carries.
 */
@Component
public class RecordingStore {

    private final Path root;

    public RecordingStore(CallVaultProperties properties) {
        this.root = properties.recordings().dir().toAbsolutePath().normalize();
        try {
            PrivateFiles.createDirectories(root);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot create the recordings folder " + root
                    + " (set callvault.recordings.dir / CALLVAULT_RECORDINGS_DIR to a writable folder)", e);
        }
    }

    public Path root() {
        return root;
    }

    /** The relative path stored in the database, e.g. {@code 2026/11/24/<id>.wav}. */
    public String relativePathFor(UUID callId, LocalDate day) {
        return String.format("%04d/%02d/%02d/%s.wav", day.getYear(), day.getMonthValue(), day.getDayOfMonth(), callId);
    }

    /** As above, with the extension of {@code format} ({@code .opus} for Ogg Opus). */
    public String relativePathFor(UUID callId, long epochMillis, RecordingFormat format) {
        return format.rename(relativePathFor(callId, epochMillis));
    }

    public String relativePathFor(UUID callId, long epochMillis) {
        return relativePathFor(callId, LocalDate.ofInstant(java.time.Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC));
    }

    public Path resolve(String relativePath) {
        Path path = root.resolve(relativePath).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("Path escapes the recordings folder: " + relativePath);
        }
        return path;
    }

    public Path micTestsDir() {
        return root.resolve("mic-tests");
    }
}
