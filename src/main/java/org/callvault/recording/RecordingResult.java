package org.callvault.recording;

/**
 * What a {@link CallRecorder} wrote and what it had to do to the incoming frames. Frame counters
 * cover both tracks.
 *
 * @param samples             sample frames in the file (= the call length in samples)
 * @param fileBytes           size of the WAV file, header included
 * @param framesAccepted      frames placed on the timeline (including ones whose head was
 *                            already flushed and only the tail was kept)
 * @param duplicateFrames     frames dropped because the same media timestamp was already placed
 * @param tooLateFrames       frames dropped because their place on the timeline was already
 *                            written to the file
 * @param tooEarlyFrames      frames dropped because their place lies beyond the buffer (a
 *                            timestamp jump, never normal jitter)
 * @param driftCorrections    skip/pad steps taken to keep the legs on the server clock
 * @param driftSamplesSkipped samples dropped by those steps (senders with fast clocks)
 * @param driftSamplesPadded  samples inserted by those steps (senders with slow clocks)
 * @param resyncs             times a leg was re-anchored after its timestamps stopped fitting
 */
public record RecordingResult(
        long samples,
        long fileBytes,
        long framesAccepted,
        long duplicateFrames,
        long tooLateFrames,
        long tooEarlyFrames,
        long driftCorrections,
        long driftSamplesSkipped,
        long driftSamplesPadded,
        long resyncs) {
}
