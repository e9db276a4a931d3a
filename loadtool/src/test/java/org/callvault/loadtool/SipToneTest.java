package org.callvault.loadtool;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SipToneTest {

    private static final double STEP = Tone.SIP_STEP_CYCLES;

    @Test
    void sipCallerTonesStepByTheSameFractionAndStayInTheTelephoneBand() {
        for (int i = 0; i < 40; i++) {
            int f = Tone.sipCallerFrequency(i);
            assertTrue(f >= 300 && f < 3400 && f < Tone.agentFrequency(i) - 500, f + " Hz");
            double cycles = f * 0.02;
            assertEquals(STEP, cycles - Math.floor(cycles), 1e-9, f + " Hz");
            assertTrue(Tone.periodSamples(f, 8000) <= 8000);
        }
    }

    @Test
    void phaseStepsCountMissingPackets() {
        assertEquals(0, MediaLeg.stepsBeyondOne(STEP, 0), 1e-9);
        assertEquals(1, MediaLeg.stepsBeyondOne(2 * STEP, 1), 1e-9, "one lost, played as one quiet frame");
        assertEquals(1, MediaLeg.stepsBeyondOne(2 * STEP, 0), 1e-9, "one skipped by the jitter buffer");
        assertEquals(0, MediaLeg.stepsBeyondOne(STEP, 3), 1e-9, "three quiet frames inserted, nothing lost");
        assertEquals(3, MediaLeg.stepsBeyondOne(4 * STEP - 1, 3), 1e-9, "the phase wraps");
        assertEquals(-0.25, MediaLeg.stepsBeyondOne(STEP - 0.01, 0), 1e-9, "noise is kept, not rounded away");
        // a long loss: the phase says 2 modulo 25, the 27 quiet frames say which multiple
        assertEquals(27, MediaLeg.stepsBeyondOne(3 * STEP, 27), 1e-9);
        assertEquals(52, MediaLeg.stepsBeyondOne(3 * STEP, 52), 1e-9);
        // a jitter buffer waiting out a held-up stream: many fills in a row, nothing lost
        assertEquals(0, MediaLeg.stepsBeyondOne(STEP, 13), 1e-9, "13 fills are not 25 packets lost");
        assertEquals(0, MediaLeg.stepsBeyondOne(STEP, 23), 1e-9);
        assertEquals(13, MediaLeg.stepsBeyondOne(14 * STEP, 13), 1e-9, "13 lost, the phase wrapped past half");
        assertEquals(25, MediaLeg.stepsBeyondOne(26 * STEP, 25), 1e-9, "25 lost: the phase says 0 modulo 25");
    }
}
