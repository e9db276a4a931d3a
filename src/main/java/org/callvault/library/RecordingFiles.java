package org.callvault.library;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import org.callvault.call.ClusterEvents;
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
    private final ClusterEvents cluster;

    RecordingFiles(RecordingRepository recordings, RecordingStore store, ClusterEvents cluster) {
        this.recordings = recordings;
        this.store = store;
        this.cluster = cluster;
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

    /**
     * Where a finished recording's file (part {@code part}, 1-based) is: in this node's recordings
     * folder, or in object storage (then readable from any node). Empty for an unknown id, a
     * recording not finished, or a local file this node does not hold.
     */
    Optional<Content> contentOf(String recordingId, int part) {
        if (!isUuid(recordingId) || part < 1) {
            return Optional.empty();
        }
        var recording = recordings.findById(recordingId)
                .filter(r -> r.status() == RecordingStatus.COMPLETE && part <= r.parts());
        if (recording.isPresent() && recording.get().inObjectStorage()) {
            return Optional.of(new Content(null, recording.get().path(), part, recording.get().id()));
        }
        return (part == 1 ? fileOf(recordingId) : fileOf(recordingId, part))
                .map(file -> new Content(file, null, part, recordingId));
    }

    /**
     * Several nodes: the node whose disk holds part {@code part} of a finished recording that is
     * neither on this node's disk nor in object storage (recordings kept on each node's disk, or an
     * upload still to come). Empty on one node, for an unknown or unfinished recording, one in object
     * storage or here, and one whose call has no home node or has this node as its home (its file is
     * then missing).
     */
    Optional<String> homeElsewhere(String recordingId, int part) {
        if (!cluster.enabled() || !isUuid(recordingId) || part < 1
                || (part == 1 ? fileOf(recordingId) : fileOf(recordingId, part)).isPresent()) {
            return Optional.empty();
        }
        return recordings.homeNodeOfLocal(recordingId, part).filter(home -> !home.equals(cluster.nodeId()));
    }

    /** A recording's file: {@code file} on this node's disk, else {@code objectPath} in object storage. */
    record Content(Path file, String objectPath, int part, String recordingId) {

        boolean local() {
            return file != null;
        }
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
