package org.callvault.loadtool;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class FaultPlanTest {

    private static final int CALLS = 100;

    private static int count(FaultPlan plan, FaultPlan.Ending ending) {
        int n = 0;
        for (int leg = 0; leg < 2 * CALLS; leg++) {
            if (plan.ending(leg) == ending) {
                n++;
            }
        }
        return n;
    }

    @Test
    void percentOfAllLegs() {
        FaultPlan plan = FaultPlan.of(CALLS, new Options.Faults(10, 1, 0), 1);
        assertEquals(20, count(plan, FaultPlan.Ending.DROP));
        assertEquals(0, count(plan, FaultPlan.Ending.HANGUP));
        int garbage = 0;
        for (int leg = 0; leg < 2 * CALLS; leg++) {
            if (plan.garbage(leg)) {
                garbage++;
                assertEquals(FaultPlan.Ending.NONE, plan.ending(leg), "garbage goes to a leg that stays up");
            }
        }
        assertEquals(2, garbage);
    }

    @Test
    void theHangupControlPicksTheLegsThatTheDropRunDrops() {
        FaultPlan drop = FaultPlan.of(CALLS, new Options.Faults(10, 1, 0), 7);
        FaultPlan control = FaultPlan.of(CALLS, new Options.Faults(0, 1, 10), 7);
        for (int leg = 0; leg < 2 * CALLS; leg++) {
            boolean dropped = drop.ending(leg) == FaultPlan.Ending.DROP;
            boolean hungUp = control.ending(leg) == FaultPlan.Ending.HANGUP;
            assertEquals(dropped, hungUp, "leg " + leg);
            assertEquals(drop.garbage(leg), control.garbage(leg), "garbage on leg " + leg);
        }
        assertEquals(20, count(control, FaultPlan.Ending.HANGUP));
    }

    @Test
    void dropsAndHangupsTogetherTakeDistinctLegs() {
        FaultPlan plan = FaultPlan.of(CALLS, new Options.Faults(10, 0, 5), 3);
        assertEquals(20, count(plan, FaultPlan.Ending.DROP));
        assertEquals(10, count(plan, FaultPlan.Ending.HANGUP));
    }

    @Test
    void theSeedChoosesTheLegs() {
        FaultPlan a = FaultPlan.of(CALLS, new Options.Faults(10, 0, 0), 1);
        FaultPlan b = FaultPlan.of(CALLS, new Options.Faults(10, 0, 0), 2);
        StringBuilder sa = new StringBuilder();
        StringBuilder sb = new StringBuilder();
        for (int leg = 0; leg < 2 * CALLS; leg++) {
            sa.append(a.ending(leg).ordinal());
            sb.append(b.ending(leg).ordinal());
        }
        assertNotEquals(sa.toString(), sb.toString());
    }
}
