package org.callvault.loadtool;

/**
 * Receiver-side accounting of one talker's sequence numbers: distinct frames, duplicates, gaps and
 * late (reordered) frames. Keeps a window of the last {@link #WINDOW} sequences in a bitmap; 32-bit
 * sequences are unwrapped against the highest one seen. Not thread-safe (one event loop owns it).
 */
final class SeqTracker {

    static final int WINDOW = 4096;
    private static final int WORDS = WINDOW / 64;

    enum Result { NEW, LATE, DUPLICATE, TOO_OLD }

    private long[] seen = new long[WORDS];
    private long highest = -1;
    private long first = -1;
    private long distinct;
    private long duplicates;
    private long gaps;
    private long missing;
    private long late;
    private long tooOld;

    /** Registers a received 32-bit sequence number (0..2^32-1). */
    Result receive(long seq32) {
        if (seen == null) {
            tooOld++;
            return Result.TOO_OLD;
        }
        long s = unwrap(seq32 & 0xFFFFFFFFL);
        if (s > highest) {
            long from = highest + 1;
            if (s - from >= WINDOW) {
                java.util.Arrays.fill(seen, 0L);
            } else {
                for (long q = from; q < s; q++) {
                    clear(q);
                }
            }
            if (s > from) {
                gaps++;
                missing += s - from;
            }
            set(s);
            highest = s;
            if (first < 0) {
                first = s;
            }
            distinct++;
            return Result.NEW;
        }
        if (highest - s >= WINDOW) {
            tooOld++;
            return Result.TOO_OLD;
        }
        if (isSet(s)) {
            duplicates++;
            return Result.DUPLICATE;
        }
        set(s);
        distinct++;
        late++;
        missing--;
        return Result.LATE;
    }

    /** Drops the window (the counters stay); later frames count as too old. */
    void release() {
        seen = null;
    }

    /** Unwrapped (64-bit) value of the last NEW sequence, -1 before the first frame. */
    long highest() {
        return highest;
    }

    /** The first sequence that arrived (unwrapped), -1 before any. */
    long first() {
        return first;
    }

    long distinct() {
        return distinct;
    }

    long duplicates() {
        return duplicates;
    }

    /** Number of jumps forward over one or more missing sequences. */
    long gaps() {
        return gaps;
    }

    /** Sequences below the highest one seen that have not arrived (yet). */
    long missing() {
        return missing;
    }

    long late() {
        return late;
    }

    long tooOld() {
        return tooOld;
    }

    private long unwrap(long v) {
        if (highest < 0) {
            return v;
        }
        long base = highest & ~0xFFFFFFFFL;
        long c = base | v;
        if (c - highest > (1L << 31)) {
            c -= 1L << 32;
        } else if (highest - c > (1L << 31)) {
            c += 1L << 32;
        }
        return c < 0 ? v : c;
    }

    private void set(long s) {
        int bit = (int) (s & (WINDOW - 1));
        seen[bit >>> 6] |= 1L << (bit & 63);
    }

    private void clear(long s) {
        int bit = (int) (s & (WINDOW - 1));
        seen[bit >>> 6] &= ~(1L << (bit & 63));
    }

    private boolean isSet(long s) {
        int bit = (int) (s & (WINDOW - 1));
        return (seen[bit >>> 6] & (1L << (bit & 63))) != 0;
    }
}
