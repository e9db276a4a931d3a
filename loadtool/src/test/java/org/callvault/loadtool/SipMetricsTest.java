package org.callvault.loadtool;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SipMetricsTest {

    @Test
    void lossIsCountedPerDirectionAndSummedOverLoops() {
        Metrics.Sip a = new Metrics.Sip();
        a.rtpSent = 1000;
        a.holes = 3;              // phone packets CallVault did not play
        a.agentFramesMissing = 2; // frames missing in the relay's sequence
        a.agentSent = 990;
        a.rtpReceived = 985;      // agent frames that never came back as RTP
        a.fills = 4;              // quiet frames with nothing lost: not loss
        Metrics.Sip b = new Metrics.Sip();
        b.agentSent = 10;
        b.rtpReceived = 12;       // more received than sent (late duplicates of another count): never negative
        b.holesSteady = 1;
        Metrics.Sip sum = new Metrics.Sip();
        sum.add(a);
        sum.add(b);
        assertEquals(5, sum.lostToAgent());
        assertEquals(3, sum.lostToPhone());
        assertEquals(8, sum.lost());
        Map<String, Object> toAgent = sum.phoneToAgent();
        assertEquals(5L, toAgent.get("lost"));
        assertEquals(3L, toAgent.get("packetsNotPlayed"));
        assertEquals(1L, toAgent.get("packetsNotPlayedSteady"));
        assertEquals(4L, toAgent.get("fills"));
        assertEquals(3L, sum.agentToPhone().get("lost"));
        assertEquals(0, b.lostToPhone());
    }
}
