package org.callvault.loadtool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Which legs get which fault. Leg {@code 2i} is the caller of call slot {@code i}, {@code 2i + 1} its
 * agent. All choices come from one seeded order of the legs: the first ones drop, the next ones hang
 * up (the control of a drop), and the garbage legs preferably come from the rest (a dropped socket
 * cannot get the error reply). So {@code drop=10,garbage=1} and {@code hangup=10,garbage=1} with the
 * same seed pick the same legs, and their runs differ only in how those legs end.
 */
final class FaultPlan {

    enum Ending { NONE, DROP, HANGUP }

    private final Ending[] ending;
    private final boolean[] garbage;

    private FaultPlan(int legs) {
        ending = new Ending[legs];
        Arrays.fill(ending, Ending.NONE);
        garbage = new boolean[legs];
    }

    static FaultPlan of(int calls, Options.Faults faults, long seed) {
        int legs = 2 * calls;
        FaultPlan plan = new FaultPlan(legs);
        int drops = (int) Math.round(legs * faults.dropPct() / 100.0);
        int hangups = Math.min(legs - drops, (int) Math.round(legs * faults.hangupPct() / 100.0));
        int garbage = (int) Math.round(legs * faults.garbagePct() / 100.0);
        List<Integer> order = new ArrayList<>();
        for (int l = 0; l < legs; l++) {
            order.add(l);
        }
        Collections.shuffle(order, new Random(seed));
        int endingLegs = drops + hangups;
        for (int k = 0; k < endingLegs; k++) {
            plan.ending[order.get(k)] = k < drops ? Ending.DROP : Ending.HANGUP;
        }
        List<Integer> rest = new ArrayList<>(order.subList(endingLegs, legs));
        Collections.shuffle(rest, new Random(seed + 1));
        rest.addAll(order.subList(0, endingLegs));
        for (int k = 0; k < garbage; k++) {
            plan.garbage[rest.get(k)] = true;
        }
        return plan;
    }

    Ending ending(int leg) {
        return ending[leg];
    }

    boolean garbage(int leg) {
        return garbage[leg];
    }
}
