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
 * <p>
 * Among several nodes, a node closes only its own calls ({@code calls.home_node}), with reason
 * SERVER_LOST (what the other nodes' consoles were told): the live rows of the other nodes are
 * calls they are still carrying, and their recordings are open on their disks, not this one's.
 */
@Component
@Order(1)
class CrashRecovery implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(CrashRecovery.class);

    private final RecordingRecovery recordings;
    private final CallRepository calls;
    private final Clock clock;
    private final ClusterEvents cluster;

    CrashRecovery(RecordingRecovery recordings, CallRepository calls, Clock clock, ClusterEvents cluster) {
        this.recordings = recordings;
        this.calls = calls;
        this.clock = clock;
        this.cluster = cluster;
    }

    @Override
    public void run(ApplicationArguments args) {
        String me = cluster.enabled() ? cluster.nodeId() : null;
        List<RecordingRecovery.Repaired> repaired = recordings.repairUnfinished(me);
        int closed = calls.failLiveCalls(me == null ? EndReason.SERVER_RESTART : EndReason.SERVER_LOST,
                clock.instant(), me);
        for (RecordingRecovery.Repaired recording : repaired) {
            calls.endAfterRecording(recording.callId(), recording.durationMs());
        }
        if (!repaired.isEmpty() || closed > 0) {
            log.warn("Recovered from an unclean stop: {} recordings repaired, {} calls closed", repaired.size(), closed);
        }
    }
}
