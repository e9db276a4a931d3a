package org.callvault.recording;

/** RECORDING while the call lasts; COMPLETE when finalized; FAILED when the file could not be written. */
public enum RecordingStatus {
    RECORDING,
    COMPLETE,
    FAILED
}
