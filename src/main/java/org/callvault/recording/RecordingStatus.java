package org.callvault.recording;

/**
 * RECORDING while the call lasts; COMPLETE when finalized; FAILED when the file could not be
 * written; DELETING between "delete the file" and "delete the row", so a crash in between is
 * finished at the next start instead of leaving a row that points at nothing.
 */
public enum RecordingStatus {
    RECORDING,
    COMPLETE,
    FAILED,
    DELETING
}
