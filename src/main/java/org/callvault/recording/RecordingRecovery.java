package org.callvault.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Repairs the WAV files of recordings that were still open when the server stopped uncleanly. */
@Component
public class RecordingRecovery {

    private static final Logger log = LoggerFactory.getLogger(RecordingRecovery.class);

    private final RecordingRepository repository;
    private final RecordingStore store;
    private final AuditLog audit;
    private final Clock clock;

    private final RecordingDeletion deletion;
    private final RecordingService recordings;
    private final RecordingObjects uploads;

    RecordingRecovery(RecordingRepository repository, RecordingStore store, AuditLog audit, Clock clock,
            RecordingDeletion deletion, RecordingService recordings, RecordingObjects uploads) {
        this.uploads = uploads;
        this.deletion = deletion;
        this.recordings = recordings;
        this.repository = repository;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    /** A recording repaired after an unclean stop: how much of its call it holds. */
    public record Repaired(String callId, long durationMs) {
    }

    /**
     * Repairs every recording left open and returns them, so that their calls can be given the
     * length of their audio rather than the time until the server came back. {@code homeNode}: this
     * node's id among several (its own calls' recordings are here to repair, and those without a
     * home whose file is here); null on one node.
     */
    public List<Repaired> repairUnfinished(String homeNode) {
        int finishedDeletions = deletion.finishInterruptedDeletions();
        if (finishedDeletions > 0) {
            log.warn("Finished {} recording deletions interrupted by the last stop", finishedDeletions);
        }
        List<Repaired> repaired = new ArrayList<>();
        for (RecordingRepository.Unfinished unfinished : repository.findUnfinished(homeNode)) {
            Path file = store.resolve(unfinished.path());
            if (unfinished.homeless() && !adoptIfHere(unfinished, file, homeNode)) {
                continue;
            }
            try {
                if (!Files.exists(file)) {
                    log.error("Recording {} of call {} has no file {}; marked FAILED", unfinished.id(),
                            unfinished.callId(), file);
                    repository.finished(unfinished.id(), RecordingStatus.FAILED, 0, 0, null, true, clock.millis());
                    continue;
                }
                // The name says the format: a torn Ogg page is cut, a WAV header set from the length.
                RecordingFormat fileFormat = RecordingFormat.ofPath(unfinished.path());
                long samples = fileFormat.repair(file);
                long size = Files.size(file);
                long durationMs = samples * 1000 / unfinished.sampleRate();
                String sha = RecordingService.sha256(file);
                // A recording interrupted by a full disk may have gone on in later parts, open too.
                int parts = 1;
                while (Files.isRegularFile(RecordingParts.partFile(file, parts + 1))) {
                    parts++;
                    fileFormat.repair(RecordingParts.partFile(file, parts));
                }
                boolean partial = parts > 1;
                repository.finished(unfinished.id(), RecordingStatus.COMPLETE, durationMs, size, sha, true,
                        clock.millis(), partial, parts);
                recordings.writeSidecar(unfinished.id(), unfinished.callId(), unfinished.path(),
                        unfinished.sampleRate(), unfinished.channels(), durationMs, size, sha, partial, parts, true);
                audit.record(AuditAction.RECORDING_REPAIRED, "system", unfinished.id(),
                        "call " + unfinished.callId() + ", " + durationMs + " ms recovered", null);
                log.warn("Repaired recording {} of call {}: {} ms recovered", unfinished.id(), unfinished.callId(),
                        durationMs);
                repaired.add(new Repaired(unfinished.callId(), durationMs));
            }
            catch (IOException | RuntimeException e) {
                log.error("Could not repair recording {} ({})", unfinished.id(), file, e);
            }
        }
        if (!repaired.isEmpty()) {
            // With object storage, repaired recordings are uploaded from the spool like any other.
            uploads.retrySoon();
        }
        return repaired;
    }

    /**
     * A recording of a call without a home (written by a process that ran without the cluster)
     * among several nodes: only the node whose folder holds its file (the recordings folder, which is
     * also the spool with object storage) can repair it. A node without it leaves it RECORDING for
     * the node that has it, when that one starts. The node that has it first makes the call its own,
     * so that of two nodes seeing one file (a shared folder) only one repairs it, and the library
     * sends the finished recording's playback to this node's disk ({@code homeNodeOfLocal}).
     */
    private boolean adoptIfHere(RecordingRepository.Unfinished unfinished, Path file, String homeNode) {
        if (!Files.exists(file)) {
            log.info("Recording {} of call {} (no home node) is not in this node's folder; left to the node that has it",
                    unfinished.id(), unfinished.callId());
            return false;
        }
        return repository.adopt(unfinished.callId(), homeNode);
    }
}
