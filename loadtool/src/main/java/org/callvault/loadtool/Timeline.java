package org.callvault.loadtool;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The steady window cut into 20 ms slots (one frame period): per slot, the frames received on calls
 * without a fault, how many of them were late beyond 2 and 5 ms, the latest, and what happened in
 * the slot (dials, calls up, call ends, faults fired, the pacer's lag). It shows whether the slow
 * frames of a fault run sit next to a drop, a call set-up or an end, or are spread evenly.
 *
 * <p>One instance per event loop, written only by its thread; {@link #merge} adds them up after the
 * run.
 */
final class Timeline {

    static final long SLOT_NANOS = 20_000_000L;
    private static final long OVER_2_MS = 2_000_000L;
    private static final long OVER_5_MS = 5_000_000L;

    enum Event { DIAL, CALL_UP, CALL_END, FAULT }

    private final int slots;
    private final long[] frames;
    private final long[] over2;
    private final long[] over5;
    private final long[] maxNanos;
    private final long[] tickLagNanos;
    private final int[][] events;

    Timeline(double windowSeconds) {
        slots = (int) Math.ceil(windowSeconds * 1e9 / SLOT_NANOS);
        frames = new long[slots];
        over2 = new long[slots];
        over5 = new long[slots];
        maxNanos = new long[slots];
        tickLagNanos = new long[slots];
        events = new int[Event.values().length][slots];
    }

    private int slot(long now, long windowStart) {
        if (windowStart == Long.MAX_VALUE || now < windowStart) {
            return -1;
        }
        long s = (now - windowStart) / SLOT_NANOS;
        return s < slots ? (int) s : -1;
    }

    void frame(long now, long windowStart, long delayNanos) {
        int s = slot(now, windowStart);
        if (s < 0) {
            return;
        }
        frames[s]++;
        if (delayNanos > OVER_2_MS) {
            over2[s]++;
            if (delayNanos > OVER_5_MS) {
                over5[s]++;
            }
        }
        if (delayNanos > maxNanos[s]) {
            maxNanos[s] = delayNanos;
        }
    }

    void event(Event e, long now, long windowStart) {
        int s = slot(now, windowStart);
        if (s >= 0) {
            events[e.ordinal()][s]++;
        }
    }

    void tickLag(long now, long windowStart, long lagNanos) {
        int s = slot(now, windowStart);
        if (s >= 0 && lagNanos > tickLagNanos[s]) {
            tickLagNanos[s] = lagNanos;
        }
    }

    static Timeline merge(List<Timeline> parts, double windowSeconds) {
        Timeline t = new Timeline(windowSeconds);
        for (Timeline p : parts) {
            for (int s = 0; s < t.slots; s++) {
                t.frames[s] += p.frames[s];
                t.over2[s] += p.over2[s];
                t.over5[s] += p.over5[s];
                t.maxNanos[s] = Math.max(t.maxNanos[s], p.maxNanos[s]);
                t.tickLagNanos[s] = Math.max(t.tickLagNanos[s], p.tickLagNanos[s]);
                for (int e = 0; e < t.events.length; e++) {
                    t.events[e][s] += p.events[e][s];
                }
            }
        }
        return t;
    }

    long frames(int slot) {
        return frames[slot];
    }

    long over5(int slot) {
        return over5[slot];
    }

    int events(Event e, int slot) {
        return events[e.ordinal()][slot];
    }

    /** CSV, one line per slot; {@code windowStartEpochMillis} dates the first slot. */
    void write(Path file, long windowStartEpochMillis) throws IOException {
        try (Writer w = Files.newBufferedWriter(file)) {
            w.write("# window start " + java.time.Instant.ofEpochMilli(windowStartEpochMillis)
                    + "; slots of 20 ms; frames of calls without a fault\n");
            w.write("ms,frames,over2ms,over5ms,maxMs,tickLagMs,dials,callsUp,callEnds,faults\n");
            for (int s = 0; s < slots; s++) {
                w.write(String.format(Locale.ROOT, "%d,%d,%d,%d,%.3f,%.3f,%d,%d,%d,%d%n", s * SLOT_NANOS / 1_000_000,
                        frames[s], over2[s], over5[s], maxNanos[s] / 1e6, tickLagNanos[s] / 1e6,
                        events[Event.DIAL.ordinal()][s], events[Event.CALL_UP.ordinal()][s],
                        events[Event.CALL_END.ordinal()][s], events[Event.FAULT.ordinal()][s]));
            }
        }
    }
}
