package org.callvault.recording;

/** A finished recording: what its row says. */
public record RecordingSummary(String recordingId, String callId, String relativePath, long samples,
        long durationMs, long sizeBytes, String sha256, RecordingStatus status, long framesAccepted,
        long framesDropped) {
}
