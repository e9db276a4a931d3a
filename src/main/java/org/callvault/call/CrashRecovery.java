package org.callvault.call;

import org.callvault.recording.RecordingRecovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.List;

/**
 * After a crash (kill -9, power loss) calls may be left "live" in the database and their WAV
 * files open. At start-up, before any new call, the files are repaired (everything that reached
 * the disk is kept) and the calls closed with reason SERVER_RESTART. A call whose recording was
 * repaired ends where its audio ends: its duration is the recording's length, not the time until
 * the server came back (which would count the downtime as talk time).
 */
@Component
@Order(1)
class CrashRecovery implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(CrashRecovery.class);

    private final RecordingRecovery recordings;
    private final CallRepository calls;
    private final Clock clock;

    CrashRecovery(RecordingRecovery recordings, CallRepository calls, Clock clock) {
        this.recordings = recordings;
        this.calls = calls;
        this.clock = clock;
    }

    @Override
    public void run(ApplicationArguments args) {
        List<RecordingRecovery.Repaired> repaired = recordings.repairUnfinished();
        int closed = calls.failLiveCalls(EndReason.SERVER_RESTART, clock.instant());
        for (RecordingRecovery.Repaired recording : repaired) {
            calls.endAfterRecording(recording.callId(), recording.durationMs());
        }
        if (!repaired.isEmpty() || closed > 0) {
            log.warn("Recovered from an unclean stop: {} recordings repaired, {} calls closed", repaired.size(), closed);
        }
    }
}
