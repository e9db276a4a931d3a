package org.callvault.recording;

import java.util.concurrent.CompletableFuture;

import org.callvault.media.AudioSink;

/** A recording in progress, as the call sees it: where to send audio, and how to end it. */
public interface ActiveRecording {

    String recordingId();

    AudioSink sink();

    /**
     * Ends the recording at this point of the server's monotonic clock; the file gets exactly the
     * answered duration. Completes when the file is closed and hashed, and its row update queued.
     */
    CompletableFuture<RecordingSummary> finish(long endNanos);
}
