package org.callvault.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Deletes a recording's file and row together. Order matters: the row is first marked DELETING,
 * then the file goes, then the row. A failure to delete the file puts the row back, so a row never
 * points at nothing and a file never outlives its row unreported; a crash in the middle is
 * finished by {@link #finishInterruptedDeletions()} at start-up.
 */
@Service
public class RecordingDeletion {

    private static final Logger log = LoggerFactory.getLogger(RecordingDeletion.class);

    private final RecordingRepository repository;
    private final RecordingStore store;
    private final WaveformPeaks peaks;
    private final AuditLog audit;
    private final RecordingObjects objects;

    RecordingDeletion(RecordingRepository repository, RecordingStore store, WaveformPeaks peaks, AuditLog audit,
            RecordingObjects objects) {
        this.objects = objects;
        this.repository = repository;
        this.store = store;
        this.peaks = peaks;
        this.audit = audit;
    }

    public enum Outcome {
        DELETED,
        /** The row was there but its file was already gone: the row is removed and this is reported. */
        DELETED_FILE_WAS_MISSING,
        NOT_FOUND,
        /** Still being recorded: a live call's recording cannot be deleted. */
        IN_PROGRESS,
        /** The file could not be deleted; nothing changed. */
        FAILED,
        /** Its call is on legal hold ({@link LegalHolds}): kept until the hold is lifted. */
        HELD
    }

    public Outcome delete(String recordingId, String actor, String reason) {
        return delete(recordingId, actor, reason, null);
    }

    /**
     * Deletes a recording for {@code actor} from {@code clientAddress} (null for the server's own
     * jobs). The audit entry names the call: a recording's file is named by its call, and "who
     * accessed this call" finds the deletion after the recording's row is gone.
     */
    public Outcome delete(String recordingId, String actor, String reason, String clientAddress) {
        var recording = repository.findById(recordingId).orElse(null);
        if (recording == null) {
            return Outcome.NOT_FOUND;
        }
        if (!repository.markDeleting(recordingId)) {
            // markDeleting skips a held call's recording in the same statement, so a hold placed
            // a moment ago wins over a deletion that read no hold.
            return repository.isHeld(recordingId) ? Outcome.HELD : Outcome.IN_PROGRESS;
        }
        Path file = store.resolve(recording.path());
        boolean existed;
        try {
            if (recording.inObjectStorage()) {
                // S3 does not say whether the object was there; the row said it was.
                objects.deleteObjects(recording.path(), recording.parts());
                existed = true;
                Files.deleteIfExists(file); // a spool copy left by a stop between upload and clean-up
            }
            else {
                existed = Files.deleteIfExists(file);
            }
        }
        catch (IOException e) {
            log.error("Could not delete {}; recording {} kept", file, recordingId, e);
            repository.setStatus(recordingId, recording.status());
            return Outcome.FAILED;
        }
        deleteCompanions(file, recording.parts());
        peaks.forget(recordingId);
        repository.delete(recordingId);
        String detail = "recording " + recordingId + ", " + recording.path() + ", " + recording.sizeBytes() + " bytes"
                + (existed ? "" : ", file was already missing") + (reason == null ? "" : ", " + reason);
        audit.record(AuditAction.RECORDING_DELETED, actor, recording.callId(), detail, clientAddress);
        if (!existed) {
            log.warn("Recording {} had no file {}; its row is removed", recordingId, file);
        }
        return existed ? Outcome.DELETED : Outcome.DELETED_FILE_WAS_MISSING;
    }

    /** The later parts and the sidecar go with the main file (a leftover is logged, not fatal). */
    private static void deleteCompanions(Path file, int parts) {
        for (int part = 2; part <= parts + 1; part++) {
            deleteQuietly(RecordingParts.partFile(file, part));
        }
        deleteQuietly(RecordingSidecar.fileFor(file));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        }
        catch (IOException e) {
            log.warn("Could not delete {}", file, e);
        }
    }

    /** Rows left in DELETING by a crash: their file is gone or going; finish the job. */
    public int finishInterruptedDeletions() {
        int finished = 0;
        for (String id : repository.findDeleting()) {
            if (delete0(id)) {
                finished++;
            }
        }
        return finished;
    }

    private boolean delete0(String id) {
        var recording = repository.findById(id).orElse(null);
        if (recording == null) {
            return false;
        }
        try {
            if (recording.inObjectStorage()) {
                objects.deleteObjects(recording.path(), recording.parts());
            }
            Files.deleteIfExists(store.resolve(recording.path()));
            deleteCompanions(store.resolve(recording.path()), recording.parts());
            repository.delete(id);
            audit.record(AuditAction.RECORDING_DELETED, "system", recording.callId(),
                    "recording " + id + ", interrupted deletion finished", null);
            return true;
        }
        catch (IOException e) {
            log.error("Could not finish deleting recording {}", id, e);
            return false;
        }
    }
}
