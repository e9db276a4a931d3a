package org.callvault.recording;

import java.util.Arrays;

/**
 * One leg of a call on its way to the file: places frames by their media timestamp, holds them
 * in a fixed ring until the recorder flushes them, and keeps the leg in step with the server
 * clock.
 *
 * <h2>Three coordinates</h2>
 * <ul>
 * <li><b>media timestamp</b>: the sender's sample index of a frame, on the sender's clock;</li>
 * <li><b>track position</b> = media timestamp + {@code anchor}. The anchor is fixed when the first
 * frame arrives, so every frame, in whatever order it arrives, lands at the same place in the
 * ring: reordering and duplicates cannot change the output;</li>
 * <li><b>timeline position</b> (server samples since the call was answered) = track position +
 * {@code correction}. The correction is how many samples the drift compensation has padded
 * (+) or skipped (−) so far.</li>
 * </ul>
 *
 * <h2>Drift</h2>
 * Each accepted frame's arrival is compared with where its end sits on the timeline. The minimum
 * of that lateness over the last two seconds (the fastest frames, so network jitter only ever
 * adds to it) should stay near zero: a frame is heard when it ends. A sender whose clock runs
 * fast makes it sink (its frames pile up ahead of the server), a slow one makes it rise. Once the
 * floor leaves a dead band of half a frame, the read side skips or pads a few samples, at most
 * once per frame of output. Corrections happen at the read cursor, where audio leaves the ring,
 * so they never depend on the order in which frames arrived.
 *
 * <h2>Late audio</h2>
 * The ring only holds what is still to be written. A frame whose place was already written, but
 * no more than {@code keepLate} samples behind the read cursor, is still accepted: its part behind
 * the cursor is handed back to the recorder ({@link #patchLength()} and friends), which writes it
 * into the file where silence stood. A stalled TCP connection or Wi-Fi therefore loses nothing
 * for several seconds, while the file itself trails the server clock by the short jitter window
 * only (what a crash can lose).
 *
 * <h2>Timestamp jumps</h2>
 * A frame that cannot be placed (too far ahead, older than {@code keepLate}, or a timestamp that
 * was already placed) is dropped. Three such frames in a row whose timestamps follow each other
 * and that arrive over at least a frame of server time are a sender that jumped its timestamps
 * (forward, or back onto audio already placed): the leg is re-anchored on the third, so a jump
 * costs two frames. A burst of stale frames arriving all at once (a stall being drained) never
 * looks like that.
 *
 * <p>Not thread-safe; owned by one {@link CallRecorder}.
 */
final class TrackTimeline {

    /** What happened to an offered frame. */
    enum Placement {
        ACCEPTED, DUPLICATE, TOO_LATE, TOO_EARLY
    }

    private static final long NONE = Long.MIN_VALUE;
    /** Lateness floor span: long enough to see through bursts of jitter, short enough to follow a route change. */
    private static final int FLOOR_BUCKETS = 8;
    /** Contiguous misses that make a timestamp jump (see the class comment). */
    private static final int JUMP_RUN = 3;

    private final int frameSamples;
    private final short[] ring;
    private final int deadBand;
    private final int correctionStep;
    private final long resyncAfter;
    private final long keepLate;
    private final SlidingMinimum arrivalSkew;
    private final long[] recentTimestamps;

    private boolean anchored;
    private long anchor;
    private long correction;
    /** Track position of the next sample to leave the ring. */
    private long readPosition;
    /** Samples still to be emitted by a pad before the ring is read again. */
    private int pendingPad;
    private short lastOutput;
    private long outputSinceCorrection;
    /** Server time of the first of an unbroken run of unplaceable frames. */
    private long unplaceableSince = NONE;
    /** Media timestamp right after the last unplaceable frame, for spotting a contiguous run. */
    private long missRunEnd = NONE;
    private int missRun;
    private long missRunSince;

    /** The part of the last accepted frame that belongs behind the read cursor (see {@link #patchLength()}). */
    private long patchPosition;
    private int patchOffset;
    private int patchLength;

    /**
     * The lateness floor measured over the first full window after anchoring. The anchor assumes
     * the first frame came with no network delay; if it was itself delayed, later frames look
     * early by that much. That is an offset, not drift: correcting it would bend the pitch for
     * seconds. Drift is measured from here.
     */
    private long baseline = NONE;
    private long anchoredAt;
    private final long baselineAfter;

    private long corrections;
    private long samplesSkipped;
    private long samplesPadded;
    private long resyncs;

    /**
     * @param sampleRate      server samples per second
     * @param frameSamples    samples in one format frame
     * @param capacity        ring size in samples: the jitter window plus room for frames that
     *                        are placed ahead of the flush point
     * @param resyncAfter     how long (server samples) frames may keep failing to fit before the
     *                        leg is treated as having restarted its timestamps
     * @param keepLate        how far (samples) behind the read cursor a late frame is still
     *                        accepted, to be patched into the file
     */
    TrackTimeline(int sampleRate, int frameSamples, int capacity, long resyncAfter, long keepLate) {
        this(sampleRate, frameSamples, new short[capacity], resyncAfter, keepLate);
    }

    /** As above, on a zeroed {@code ring} (from a {@link RingPool}) whose length is the capacity. */
    TrackTimeline(int sampleRate, int frameSamples, short[] ring, long resyncAfter, long keepLate) {
        int capacity = ring.length;
        this.frameSamples = frameSamples;
        this.ring = ring;
        this.keepLate = keepLate;
        this.deadBand = frameSamples / 2;
        // One sample per frame at most: a 0.1 % pitch bend while correcting, inaudible, and still
        // over 1,000 ppm of correction, ten times the ~100 ppm of real sound cards.
        this.correctionStep = 1;
        this.resyncAfter = resyncAfter;
        this.arrivalSkew = new SlidingMinimum(FLOOR_BUCKETS, Math.max(1, sampleRate / 4));
        this.baselineAfter = (long) FLOOR_BUCKETS * Math.max(1, sampleRate / 4);
        // Remembers every frame that can still be placed, late ones included, so none is placed twice.
        this.recentTimestamps = new long[(int) ((capacity + keepLate) / frameSamples) + 2];
        Arrays.fill(recentTimestamps, NONE);
    }

    int capacity() {
        return ring.length;
    }

    /** The ring, for its {@link RingPool} once the recording is over; the timeline is unusable after. */
    short[] ring() {
        return ring;
    }

    /**
     * Places a frame that arrived at server time {@code now}. The first frame anchors the leg so
     * that it ends at {@code now}. Frames that fit are copied into the ring; the part of a late
     * frame that belongs behind the read cursor (within {@code keepLate}) is left for the caller to
     * patch into the file: see {@link #patchLength()}.
     */
    Placement offer(long mediaTimestamp, short[] samples, int offset, int length, long now) {
        patchLength = 0;
        if (!anchored) {
            anchorAt(mediaTimestamp, length, now);
        }
        long start = mediaTimestamp + anchor;
        long end = start + length;
        if (end <= readPosition - keepLate) {
            return unplaceable(Placement.TOO_LATE, mediaTimestamp, samples, offset, length, now);
        }
        if (end > readPosition + ring.length) {
            return unplaceable(Placement.TOO_EARLY, mediaTimestamp, samples, offset, length, now);
        }
        if (alreadyPlaced(mediaTimestamp)) {
            // Same position as a frame already placed: the content is the same, keep the first.
            // Many in a row, arriving at the sender's pace, are a jump back in time.
            return unplaceable(Placement.DUPLICATE, mediaTimestamp, samples, offset, length, now);
        }
        unplaceableSince = NONE;
        missRun = 0;
        missRunEnd = NONE;
        rememberTimestamp(mediaTimestamp);
        long ringFrom = Math.max(start, readPosition);
        if (ringFrom < end) {
            copyIntoRing(ringFrom, samples, offset + (int) (ringFrom - start), (int) (end - ringFrom));
        }
        long lateFrom = Math.max(start, readPosition - keepLate);
        long lateTo = Math.min(end, readPosition);
        if (lateFrom < lateTo) {
            // Already written (as this leg's silence): the recorder patches it into the file. The
            // samples before the cursor left with the current correction, less a pad still owed.
            patchPosition = lateFrom + correction - pendingPad;
            patchOffset = offset + (int) (lateFrom - start);
            patchLength = (int) (lateTo - lateFrom);
        }
        arrivalSkew.add(now, now - (mediaTimestamp + length));
        return Placement.ACCEPTED;
    }

    /**
     * Samples of the last accepted frame whose place was already written; 0 if none. They are
     * {@code samples[patchOffset() .. + patchLength())} of the array given to {@link #offer}, and
     * belong at timeline position {@link #patchPosition()}.
     */
    int patchLength() {
        return patchLength;
    }

    int patchOffset() {
        return patchOffset;
    }

    long patchPosition() {
        return patchPosition;
    }

    /**
     * Emits the next {@code count} timeline samples of this leg into {@code dst} and clears them
     * from the ring, so an unused slot always reads as silence on the next lap.
     */
    void read(short[] dst, int offset, int count) {
        int padded = Math.min(pendingPad, count);
        // A pad repeats the last sample instead of inserting zeros: a step of a few samples at
        // the current level is inaudible, a dip to zero in a loud passage would click.
        Arrays.fill(dst, offset, offset + padded, lastOutput);
        pendingPad -= padded;
        int fromRing = count - padded;
        int index = ringIndex(readPosition);
        int first = Math.min(fromRing, ring.length - index);
        System.arraycopy(ring, index, dst, offset + padded, first);
        Arrays.fill(ring, index, index + first, (short) 0);
        System.arraycopy(ring, 0, dst, offset + padded + first, fromRing - first);
        Arrays.fill(ring, 0, fromRing - first, (short) 0);
        readPosition += fromRing;
        if (count > 0) {
            lastOutput = dst[offset + count - 1];
        }
        outputSinceCorrection += count;
    }

    /**
     * Skips or pads a few samples at the read cursor if the lateness floor has left the dead
     * band; at most once per frame of output, so that a lazy caller flushing a second at a time
     * still gets the full correction rate.
     */
    /**
     * The leg reconnected (a new media socket, maybe a reloaded page whose timestamps start again
     * at 0): place its next frame where it arrives instead of waiting for a resync.
     */
    void reanchorOnNextFrame() {
        anchored = false;
    }

    void compensateDrift(long now) {
        if (!anchored || pendingPad > 0 || outputSinceCorrection < frameSamples) {
            return;
        }
        long fastestSkew = arrivalSkew.minimum(now);
        if (fastestSkew == Long.MAX_VALUE) {
            return; // nothing arrived lately (leg silent or stopped): nothing to measure
        }
        if (baseline == NONE) {
            if (now - anchoredAt < baselineAfter) {
                return; // the floor has not seen a full window yet
            }
            baseline = fastestSkew - anchor - correction;
        }
        long lateness = fastestSkew - anchor - correction - baseline;
        if (lateness > deadBand) {
            // Frames arrive later than they are placed: the sender is slow. Delay the leg.
            pendingPad += correctionStep;
            correction += correctionStep;
            samplesPadded += correctionStep;
        }
        else if (lateness < -deadBand) {
            // Frames arrive before their place comes up: the sender is fast. Drop a few samples.
            clearRing(readPosition, correctionStep);
            readPosition += correctionStep;
            correction -= correctionStep;
            samplesSkipped += correctionStep;
        }
        else {
            return;
        }
        corrections++;
        outputSinceCorrection = 0;
    }

    /** Where {@code mediaTimestamp} lands on the call timeline now, or {@code Long.MIN_VALUE} before the first frame. */
    long timelinePositionOf(long mediaTimestamp) {
        return anchored ? mediaTimestamp + anchor + correction : Long.MIN_VALUE;
    }

    long corrections() {
        return corrections;
    }

    long samplesSkipped() {
        return samplesSkipped;
    }

    long samplesPadded() {
        return samplesPadded;
    }

    long resyncs() {
        return resyncs;
    }

    /**
     * A frame that cannot be placed is dropped. One such frame is a straggler, a repeat or a
     * glitch. A contiguous run of them arriving at the sender's pace is a timestamp jump, and the
     * leg is re-anchored on the {@value #JUMP_RUN}th (see the class comment). Frames that keep
     * missing for longer than {@code resyncAfter} in any other pattern also mean the sender
     * restarted: without a new anchor the leg would stay mute for the rest of the call. The frame
     * that triggers the resync is then placed.
     */
    private Placement unplaceable(Placement reason, long mediaTimestamp, short[] samples, int offset, int length, long now) {
        if (missRunEnd != NONE && mediaTimestamp == missRunEnd) {
            missRun++;
        }
        else {
            missRun = 1;
            missRunSince = now;
        }
        missRunEnd = mediaTimestamp + length;
        boolean jumped = missRun >= JUMP_RUN && now - missRunSince >= frameSamples;
        if (!jumped) {
            if (unplaceableSince == NONE) {
                unplaceableSince = now;
                return reason;
            }
            if (now - unplaceableSince < resyncAfter) {
                return reason;
            }
        }
        resyncs++;
        anchorAt(mediaTimestamp, length, now);
        return offer(mediaTimestamp, samples, offset, length, now);
    }

    private void anchorAt(long mediaTimestamp, int length, long now) {
        // The frame has just arrived, so it ended about now.
        anchor = now - length - mediaTimestamp - correction;
        anchored = true;
        anchoredAt = now;
        baseline = NONE;
        unplaceableSince = NONE;
        missRun = 0;
        missRunEnd = NONE;
        arrivalSkew.clear();
        Arrays.fill(recentTimestamps, NONE);
    }

    private boolean alreadyPlaced(long mediaTimestamp) {
        return recentTimestamps[timestampSlot(mediaTimestamp)] == mediaTimestamp;
    }

    private void rememberTimestamp(long mediaTimestamp) {
        recentTimestamps[timestampSlot(mediaTimestamp)] = mediaTimestamp;
    }

    private int timestampSlot(long mediaTimestamp) {
        return (int) Math.floorMod(Math.floorDiv(mediaTimestamp, frameSamples), (long) recentTimestamps.length);
    }

    private void copyIntoRing(long position, short[] samples, int offset, int length) {
        int index = ringIndex(position);
        int first = Math.min(length, ring.length - index);
        System.arraycopy(samples, offset, ring, index, first);
        System.arraycopy(samples, offset + first, ring, 0, length - first);
    }

    private void clearRing(long position, int length) {
        int index = ringIndex(position);
        int first = Math.min(length, ring.length - index);
        Arrays.fill(ring, index, index + first, (short) 0);
        Arrays.fill(ring, 0, length - first, (short) 0);
    }

    private int ringIndex(long position) {
        return (int) Math.floorMod(position, (long) ring.length);
    }

    /**
     * Minimum of the values added over the last {@code buckets × bucketSpan} units of time, in
     * constant memory: one minimum per time bucket, buckets recycled as time moves on. Coarser
     * than an exact sliding window (the span breathes by one bucket), which is fine for a floor
     * that only has to ignore jitter.
     */
    static final class SlidingMinimum {

        private final long[] minima;
        private final long bucketSpan;
        private long newestBucket = NONE;

        SlidingMinimum(int buckets, long bucketSpan) {
            this.minima = new long[buckets];
            this.bucketSpan = bucketSpan;
            clear();
        }

        void add(long time, long value) {
            long bucket = Math.floorDiv(time, bucketSpan);
            moveTo(bucket);
            if (bucket <= newestBucket - minima.length) {
                return; // older than the window (a caller's clock stepped back): irrelevant
            }
            int slot = slot(bucket);
            minima[slot] = Math.min(minima[slot], value);
        }

        /** The minimum over the window ending at {@code time}, or {@code Long.MAX_VALUE} if empty. */
        long minimum(long time) {
            moveTo(Math.floorDiv(time, bucketSpan));
            long minimum = Long.MAX_VALUE;
            for (long value : minima) {
                minimum = Math.min(minimum, value);
            }
            return minimum;
        }

        void clear() {
            Arrays.fill(minima, Long.MAX_VALUE);
            newestBucket = NONE;
        }

        private void moveTo(long bucket) {
            if (newestBucket == NONE || bucket - newestBucket >= minima.length) {
                Arrays.fill(minima, Long.MAX_VALUE);
                newestBucket = bucket;
                return;
            }
            while (newestBucket < bucket) {
                newestBucket++;
                minima[slot(newestBucket)] = Long.MAX_VALUE;
            }
        }

        private int slot(long bucket) {
            return (int) Math.floorMod(bucket, (long) minima.length);
        }
    }
}
