package org.callvault.e2e;

import org.callvault.support.DatabaseIndependent;
import org.springframework.test.context.TestPropertySource;

/**
 * The recordings page of {@link RecordingPlaybackE2EIT} in Chromium, with the call recorded as
 * stereo Ogg Opus: the same play, waveform, seek by click, speed and download checks on an
 * {@code audio/ogg} file served with HTTP Range.
 */
@DatabaseIndependent
@TestPropertySource(properties = { "callvault.recordings.format=opus", "callvault.recordings.channels=2" })
class OggPlaybackE2EIT extends RecordingPlaybackE2EIT {
}
