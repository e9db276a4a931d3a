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
 * <p>
 * Live rows without a home node were left by a process that ran without the cluster (before V28,
 * or a single node now restarted as part of a cluster): that process is not running, as a node
 * without the cluster must not share the database with cluster nodes, so any node closes them, with
 * SERVER_RESTART (a single node's restart; no other node's console ever saw those calls). Their
 * recordings are repaired by the node whose folder has the file, whenever it starts: a call closed
 * earlier by another node then still gets the recording's length.
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
        recover(cluster.enabled() ? cluster.nodeId() : null);
    }

    /** {@code me}: this node's id among several, null on one node. */
    void recover(String me) {
        // Before the recordings: a homeless call whose file is here is adopted (made this node's)
        // while repaired, and must be closed as the homeless call it was, not as this node's own.
        int closed = me == null ? 0 : calls.failLiveCallsWithoutHome(EndReason.SERVER_RESTART, clock.instant());
        List<RecordingRecovery.Repaired> repaired = recordings.repairUnfinished(me);
        closed += calls.failLiveCalls(me == null ? EndReason.SERVER_RESTART : EndReason.SERVER_LOST,
                clock.instant(), me);
        for (RecordingRecovery.Repaired recording : repaired) {
            calls.endAfterRecording(recording.callId(), recording.durationMs());
        }
        if (!repaired.isEmpty() || closed > 0) {
            log.warn("Recovered from an unclean stop: {} recordings repaired, {} calls closed", repaired.size(), closed);
        }
    }
}
