package org.callvault.library;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingStatus;
import org.callvault.recording.RecordingStore;
import org.springframework.stereotype.Component;

/** Finds a finished recording's file from its id; the path always comes from the database row. */
@Component
class RecordingFiles {

    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final RecordingRepository recordings;
    private final RecordingStore store;

    RecordingFiles(RecordingRepository recordings, RecordingStore store) {
        this.recordings = recordings;
        this.store = store;
    }

    /** Part {@code part} (1-based) of a recording that resumed after a full disk; part 1 is {@link #fileOf(String)}. */
    Optional<Path> fileOf(String recordingId, int part) {
        if (part == 1) {
            return fileOf(recordingId);
        }
        if (!isUuid(recordingId) || part < 1) {
            return Optional.empty();
        }
        return recordings.findById(recordingId)
                .filter(r -> r.status() == RecordingStatus.COMPLETE && part <= r.parts())
                .map(r -> org.callvault.recording.RecordingParts.partFile(store.resolve(r.path()), part))
                .filter(Files::isRegularFile);
    }

    Optional<Path> fileOf(String recordingId) {
        if (!isUuid(recordingId)) {
            return Optional.empty();
        }
        return recordings.findById(recordingId)
                .filter(r -> r.status() == RecordingStatus.COMPLETE)
                .map(r -> store.resolve(r.path()))
                .filter(Files::isRegularFile);
    }

    /** A meaningful download name: when, who called, which call. Only safe characters. */
    static String downloadName(CallRecord call) {
        String caller = call.callerNumber() != null ? call.callerNumber()
                : call.callerName() != null ? call.callerName() : "unknown";
        String safe = caller.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9+]+", "-").replaceAll("(^-|-$)", "");
        if (safe.length() > 40) {
            safe = safe.substring(0, 40);
        }
        return "callvault-" + NAME_TIME.format(call.createdAt()) + "-" + (safe.isEmpty() ? "caller" : safe) + "-"
                + call.id().substring(0, 8) + ".wav";
    }

    static boolean isUuid(String id) {
        try {
            return id != null && id.length() == 36 && UUID.fromString(id).toString().equals(id.toLowerCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            return false;
        }
    }
}
