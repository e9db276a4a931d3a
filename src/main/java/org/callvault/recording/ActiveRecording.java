package org.callvault.recording;

import java.util.concurrent.CompletableFuture;

import org.callvault.media.AudioSink;

/** A recording in progress, as the call sees it: where to send audio, and how to end it. */
public interface ActiveRecording {

    String recordingId();

    AudioSink sink();

    /**
     * From this point of the server's monotonic clock until {@link #omitUntil}, nothing goes into
     * the file: the recording is cut there instead of holding the time as silence (a SIPREC pause
     * with {@code paused-audio: omit}). What came before is written out in full. The point may lie
     * ahead, as may {@link #omitUntil}'s: a pause is announced before the streams have played out
     * what they received before it.
     */
    void omitFrom(long atNanos);

    /** Ends the cut begun by {@link #omitFrom}: the file goes on from where it stopped. */
    void omitUntil(long atNanos);

    /**
     * Ends the recording at this point of the server's monotonic clock; the file gets exactly the
     * answered duration. Completes when the file is closed and hashed, and its row update queued.
     */
    CompletableFuture<RecordingSummary> finish(long endNanos);
}
