package org.callvault.loadtool;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SeqTrackerTest {

    @Test
    void inOrderFramesAreAllNew() {
        SeqTracker t = new SeqTracker();
        for (int i = 0; i < 10_000; i++) {
            assertEquals(SeqTracker.Result.NEW, t.receive(i));
        }
        assertEquals(10_000, t.distinct());
        assertEquals(0, t.gaps());
        assertEquals(0, t.missing());
        assertEquals(0, t.duplicates());
        assertEquals(0, t.first());
    }

    @Test
    void gapsDuplicatesAndLateFrames() {
        SeqTracker t = new SeqTracker();
        t.receive(0);
        t.receive(1);
        assertEquals(SeqTracker.Result.NEW, t.receive(5)); // 2,3,4 missing
        assertEquals(1, t.gaps());
        assertEquals(3, t.missing());
        assertEquals(SeqTracker.Result.DUPLICATE, t.receive(5));
        assertEquals(SeqTracker.Result.DUPLICATE, t.receive(1));
        assertEquals(SeqTracker.Result.LATE, t.receive(3)); // reordered, fills the gap
        assertEquals(SeqTracker.Result.DUPLICATE, t.receive(3));
        assertEquals(2, t.missing());
        assertEquals(1, t.late());
        assertEquals(3, t.duplicates());
        assertEquals(4, t.distinct());
        t.receive(6);
        t.receive(9);
        assertEquals(2, t.gaps());
        assertEquals(4, t.missing());
    }

    @Test
    void framesLostAtTheStartCountAsAGap() {
        SeqTracker t = new SeqTracker();
        t.receive(7);
        assertEquals(7, t.first());
        assertEquals(7, t.missing());
        assertEquals(1, t.gaps());
    }

    @Test
    void framesOlderThanTheWindowAreNotJudged() {
        SeqTracker t = new SeqTracker();
        t.receive(0);
        t.receive(SeqTracker.WINDOW + 10);
        assertEquals(SeqTracker.Result.TOO_OLD, t.receive(5));
        assertEquals(1, t.tooOld());
        // a big jump clears the window: old bits must not look like duplicates
        assertEquals(SeqTracker.Result.LATE, t.receive(SeqTracker.WINDOW + 9));
    }

    @Test
    void sequenceWrapsAt2To32() {
        SeqTracker t = new SeqTracker();
        long start = 0xFFFF_FFFFL - 2;
        for (long s = start; s < start + 6; s++) {
            assertEquals(SeqTracker.Result.NEW, t.receive(s & 0xFFFF_FFFFL), "seq " + s);
        }
        assertEquals(6, t.distinct());
        assertEquals(1, t.gaps(), "streams start at 0: the first frame reveals the ones before it as missing");
        assertEquals(start, t.missing());
        assertEquals(start + 5, t.highest());
        assertEquals(SeqTracker.Result.DUPLICATE, t.receive(0)); // (start + 3) mod 2^32
    }

    @Test
    void releasedTrackerKeepsItsCountsAndJudgesNothingMore() {
        SeqTracker t = new SeqTracker();
        t.receive(0);
        t.receive(2);
        t.release();
        assertEquals(SeqTracker.Result.TOO_OLD, t.receive(3));
        assertEquals(2, t.distinct());
        assertEquals(1, t.missing());
    }

    @Test
    void directionAccountsLossAfterTheListenerWasConnected() {
        // the talker sent 100 frames, 4 of them before the listener's socket was open; the listener
        // got early frames 2 and 3, then lost 4..5 and 50
        SeqTracker t = new SeqTracker();
        t.receive(2);
        t.receive(3);
        for (int s = 6; s < 100; s++) {
            if (s != 50) {
                t.receive(s);
            }
        }
        Metrics.Direction d = new Metrics.Direction();
        d.sent = 100;
        d.early = 4;
        d.addReceived(t, 2, 4);
        assertEquals(95, d.received);
        assertEquals(3, d.lost(), "4, 5 and 50");
        assertEquals(2, d.lostBeforeListenerOpen(), "0 and 1");
        assertEquals(0, d.lostAtStart, "the first frame (2) came before the listener was open");
        assertEquals(3, d.gaps, "0..1, 4..5 and 50");

        SeqTracker late = new SeqTracker();
        for (int s = 9; s < 20; s++) {
            late.receive(s);
        }
        Metrics.Direction e = new Metrics.Direction();
        e.sent = 20;
        e.early = 4;
        e.addReceived(late, 0, 4);
        assertEquals(5, e.lostAtStart, "4..8: sent to an open listener, never forwarded");
        assertEquals(5, e.lost());
        assertEquals(4, e.lostBeforeListenerOpen());
    }
}
