package org.callvault.loadtool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TimelineTest {

    private static final long START = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @Test
    void framesGoToTheirTwentyMillisecondSlotAndCountWhenLate() {
        Timeline t = new Timeline(1);
        t.frame(START + 5 * MS, START, MS / 2);
        t.frame(START + 19 * MS, START, 3 * MS);
        t.frame(START + 20 * MS, START, 6 * MS);
        t.frame(START - MS, START, 9 * MS);          // before the window
        t.frame(START + 1000 * MS, START, 9 * MS);   // after it
        t.frame(START, Long.MAX_VALUE, 9 * MS);      // window not started
        assertEquals(2, t.frames(0));
        assertEquals(0, t.over5(0));
        assertEquals(1, t.frames(1));
        assertEquals(1, t.over5(1));
    }

    @Test
    void mergeAddsTheLoopsUp(@TempDir Path dir) throws Exception {
        Timeline a = new Timeline(0.1);
        Timeline b = new Timeline(0.1);
        a.frame(START + 41 * MS, START, 7 * MS);
        b.frame(START + 42 * MS, START, 1 * MS);
        b.event(Timeline.Event.DIAL, START + 45 * MS, START);
        b.event(Timeline.Event.CALL_END, START + 99 * MS, START);
        a.tickLag(START + 43 * MS, START, 4 * MS);
        Timeline m = Timeline.merge(List.of(a, b), 0.1);
        assertEquals(2, m.frames(2));
        assertEquals(1, m.over5(2));
        assertEquals(1, m.events(Timeline.Event.DIAL, 2));
        assertEquals(1, m.events(Timeline.Event.CALL_END, 4));

        Path csv = dir.resolve("t.csv");
        m.write(csv, 0);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(2 + 5, lines.size());
        assertEquals("ms,frames,over2ms,over5ms,maxMs,tickLagMs,dials,callsUp,callEnds,faults", lines.get(1));
        assertEquals("40,2,1,1,7.000,4.000,1,0,0,0", lines.get(4));
    }
}
