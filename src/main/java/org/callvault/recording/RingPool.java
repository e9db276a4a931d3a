package org.callvault.recording;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Keeps the recorder's per-track sample rings (about 1.3 s of audio, 115 KB each at 44.1 kHz) for
 * the next calls instead of leaving them to the garbage collector. Allocated per call, the rings of
 * a hundred live calls were tens of megabytes of young objects that every young collection had to
 * copy (pauses of 66–106 ms at 100 calls, docs/BENCHMARKS.md); kept, they settle in the old
 * generation once and cost a collection nothing, being arrays of primitives. Recorder thread only.
 */
final class RingPool {

    /** A pool that keeps nothing: every ring is new (tests, and recorders made outside the loop). */
    static final RingPool NONE = new RingPool(0);

    private final ArrayDeque<short[]> free = new ArrayDeque<>();
    private final int maxKept;

    /** @param maxKept rings kept at most, so a peak of calls does not pin its memory for ever */
    RingPool(int maxKept) {
        this.maxKept = maxKept;
    }

    /** A zeroed ring of {@code capacity} samples. */
    short[] take(int capacity) {
        short[] ring;
        while ((ring = free.poll()) != null) {
            if (ring.length == capacity) {
                return ring;
            }
        }
        return new short[capacity];
    }

    /** Gives a ring back; it is cleared here, so a taken ring always reads as silence. */
    void give(short[] ring) {
        if (free.size() < maxKept) {
            Arrays.fill(ring, (short) 0);
            free.push(ring);
        }
    }

    int kept() {
        return free.size();
    }
}
