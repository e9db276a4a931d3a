package org.callvault.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingRepository.StoredRecording;
import org.callvault.recording.RecordingStatus;

public final class Recordings {

    private Recordings() {
    }

    /** Waits until the call's one recording is finalized, and returns its row. */
    public static StoredRecording awaitComplete(RecordingRepository recordings, String callId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<StoredRecording> rows = recordings.findByCallId(callId);
            return rows.size() == 1 && rows.get(0).status() == RecordingStatus.COMPLETE;
        });
        return recordings.findByCallId(callId).get(0);
    }
}
