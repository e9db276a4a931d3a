package org.callvault.transport.sip.rtp;

import java.util.Arrays;

import org.callvault.media.G711;

/**
 * The jitter buffer of the SIP-to-browser direction: RTP payloads in, one frame out per clock tick.
 *
 * <p><b>Repacketizing.</b> Payloads of any packet time (10-40 ms, or anything up to 8 frames) are
 * cut on frame boundaries counted from the first packet's timestamp, so a 30 ms packet fills one
 * and a half frames and two 10 ms packets make one. Timestamps are extended over the 32-bit wrap.
 * The buffer does not decode: a frame is the payload bytes of its {@code frameUnits} timestamp
 * units ({@code bytesPerUnit} each: 1 for PCMU, PCMA and G.722), with its RTP timestamp and
 * payload type. A frame is handed out only when all of it arrived; a frame missing any part is a
 * {@link Status#LOST} gap for the caller to fill with silence (a 10 ms loss costs 20 ms).
 *
 * <p><b>Depth.</b> Every packet's transit (arrival minus timestamp, in timestamp units) goes into
 * one-second buckets; over the last 8 s of packets, the spread between the smallest and largest
 * transit is the jitter to absorb. A frame plays when the clock is at least {@code depth} past the
 * moment it would have arrived with the smallest transit, with {@code depth} = spread plus half a
 * frame, held between {@code minDepth} and {@code maxDepth} (60 ms during the first second, when
 * there is no history yet). Too shallow (a late packet raised the spread, or the sender's clock is
 * slow): a tick hands out a {@link Status#FILL} instead of advancing. Deeper than the target by
 * 2.5 frames (the spike aged out, or the sender's clock is fast): one frame is shed, but only one
 * nobody would miss, since what the buffer plays is also what is recorded: a frame that did not
 * arrive, or a quiet one (the {@link QuietFrames} test; a caller pauses within seconds). A frame
 * with sound is played, and the buffer stays deeper for now, unless it is past {@code maxDepth}
 * plus the hysteresis: only then is heard audio shed, to bound the delay.
 *
 * <p><b>Waiting for a held-up stream.</b> When the frame due has not arrived and nothing after it
 * has either, the packets are more likely held up than lost: a GC pause or a busy core stalls the
 * thread that reads the socket, or the network holds a burst and then delivers it at once. The
 * tick then hands out a {@link Status#FILL} and waits, as a playout that stretches time would,
 * instead of declaring the frame lost and refusing its packet a moment later. The wait is bounded:
 * not past {@code maxDepth}, and not once {@code maxDepth} has passed without any packet (the
 * sender stopped: silence suppression, hold, a real burst loss), when the frames due are gaps as
 * before and the shedding rule brings the depth back. A frame missing while a later one has
 * arrived is a loss or a reordering, handled by the depth as before.
 *
 * <p>Reordered packets land in place; duplicates and packets for frames already played are
 * dropped and counted; a payload timestamp jump beyond the ring (or three packets in a row far
 * behind it) re-anchors the buffer. Not thread-safe: offer and tick on the leg's one thread. No
 * allocation after construction.
 */
public final class JitterBuffer {

    /** What a tick hands out. */
    public enum Status {
        /** Nothing to play yet (no packet, or the first frame is not due). */
        IDLE,
        /** A whole frame of payload. */
        AUDIO,
        /** The frame due now did not arrive (in full) in time: a gap, play silence. */
        LOST,
        /** Silence inserted to deepen the buffer: no frame is skipped by it. */
        FILL
    }

    /** What became of an offered packet. */
    public enum Offer {
        STORED,
        DUPLICATE,
        TOO_LATE,
        /** Empty, not a whole number of units, or longer than the ring allows. */
        REJECTED,
        /** Stored after re-anchoring the buffer on it (a timestamp jump). */
        RESYNCED
    }

    /** Whether a stored frame's payload is quiet enough to shed when the buffer is too deep. */
    @FunctionalInterface
    public interface QuietFrames {

        /** Never quiet: only frames that did not arrive are shed below the maximum depth. */
        QuietFrames NEVER = (payloadType, payload, offset, length) -> false;

        boolean isQuiet(int payloadType, byte[] payload, int offset, int length);

        /**
         * G.711 (payload types 0 and 8): quiet when no sample reaches -40 dBFS (328 of 32,767),
         * about the level of a quiet room through a telephone; other payload types are never quiet
         * (they are not decoded here).
         */
        QuietFrames G711_BELOW_MINUS_40_DBFS = (payloadType, payload, offset, length) -> {
            G711 law = G711.forPayloadType(payloadType);
            if (law == null) {
                return false;
            }
            for (int i = offset; i < offset + length; i++) {
                int sample = law.decode(payload[i]);
                if (sample >= 328 || sample <= -328) {
                    return false;
                }
            }
            return true;
        };
    }

    private static final int BUCKETS = 8;
    private static final int FAR_LATE_RUN_TO_RESYNC = 3;
    private static final long EMPTY = Long.MIN_VALUE;

    private final int clockRate;
    private final int frameUnits;
    private final int bytesPerUnit;
    private final int frameBytes;
    private final long minDepth;
    private final long startDepth;
    private final long maxDepth;
    private final int capacity;
    private final int masksPerFrame;
    private final int maxPacketUnits;
    private final QuietFrames quietFrames;

    private final byte[] audio;
    private final long[] present;
    private final long[] slotFrame;
    private final int[] slotUnits;
    private final int[] slotPayloadType;

    private final long[] bucketId = new long[BUCKETS];
    private final long[] bucketMin = new long[BUCKETS];
    private final long[] bucketMax = new long[BUCKETS];
    private long newestBucket;

    private boolean haveBase;
    private long baseNanos;
    private boolean anchored;
    private long anchorTimestamp;
    private long referenceTimestamp;
    private long firstArrival;
    /** When the newest packet arrived, in clock units since {@code baseNanos}. */
    private long lastArrival;
    private long nextFrame;
    private long highestFrame;
    private boolean playing;
    private int farLateRun;

    private long audioFrames;
    private long lostFrames;
    private long partialFrames;
    private long fillFrames;
    private long skippedFrames;
    private long latePackets;
    private long duplicatePackets;
    private long rejectedPackets;
    private long resyncs;
    private long lastDepth;

    /**
     * @param clockRate     RTP clock rate (8000 for G.711)
     * @param frameMillis   frame length handed out per tick (20)
     * @param bytesPerUnit  payload bytes per timestamp unit (1 for G.711 and G.722)
     * @param minDepthMillis   the fixed part of the depth (40)
     * @param startDepthMillis depth before the first second of statistics (60)
     * @param maxDepthMillis   the most delay the buffer adds (200) before it sheds frames with sound
     * @param quietFrames      which stored frames may be shed to come back to the target depth
     */
    public JitterBuffer(int clockRate, int frameMillis, int bytesPerUnit, int minDepthMillis, int startDepthMillis,
            int maxDepthMillis, QuietFrames quietFrames) {
        if (clockRate <= 0 || frameMillis <= 0 || bytesPerUnit <= 0) {
            throw new IllegalArgumentException("clock rate, frame length and bytes per unit must be positive");
        }
        if (minDepthMillis < 0 || startDepthMillis < minDepthMillis || maxDepthMillis < startDepthMillis
                || maxDepthMillis > 2_000) {
            throw new IllegalArgumentException("depths must satisfy 0 <= min <= start <= max <= 2000 ms: "
                    + minDepthMillis + ", " + startDepthMillis + ", " + maxDepthMillis);
        }
        this.quietFrames = java.util.Objects.requireNonNull(quietFrames, "quietFrames");
        this.clockRate = clockRate;
        this.frameUnits = clockRate / 1000 * frameMillis;
        this.bytesPerUnit = bytesPerUnit;
        this.frameBytes = frameUnits * bytesPerUnit;
        this.minDepth = (long) clockRate * minDepthMillis / 1000;
        this.startDepth = (long) clockRate * startDepthMillis / 1000;
        this.maxDepth = (long) clockRate * maxDepthMillis / 1000;
        int framesNeeded = (int) (maxDepth / frameUnits) + 8 + 8;
        this.capacity = Integer.highestOneBit(framesNeeded - 1) << 1;
        this.maxPacketUnits = 8 * frameUnits;
        this.masksPerFrame = (frameUnits + 63) / 64;
        this.audio = new byte[capacity * frameBytes];
        this.present = new long[capacity * masksPerFrame];
        this.slotFrame = new long[capacity];
        this.slotUnits = new int[capacity];
        this.slotPayloadType = new int[capacity];
        Arrays.fill(slotFrame, EMPTY);
        Arrays.fill(bucketId, EMPTY);
    }

    /**
     * 8 kHz, 20 ms frames of 160 one-byte units, depth 60 ms to 200 ms. Why 60 and not 40: with 100
     * mixed calls on two cores, a 40 ms floor left 0.03 % of SIP packets unplayed (a GC pause or a
     * busy core delays a packet past the depth before the spread statistics have seen it), 60 ms left
     * none (docs/BENCHMARKS.md); 20 ms of delay is the cheaper price.
     */
    public static JitterBuffer forG711() {
        return forClock(8_000, 1);
    }

    /**
     * A SIP leg's buffer for any codec: 20 ms frames on the codec's RTP clock ({@code bytesPerUnit}
     * 1 for G.711 and G.722's coded bytes, 2 for Opus decoded to PCM), the same depths as
     * {@link #forG711()}: the network's jitter does not depend on the codec.
     */
    public static JitterBuffer forClock(int clockRate, int bytesPerUnit) {
        return new JitterBuffer(clockRate, 20, bytesPerUnit, 60, 60, 200, QuietFrames.G711_BELOW_MINUS_40_DBFS);
    }

    /** Bytes of one frame: the size of a {@link Playout}'s payload. */
    public int frameBytes() {
        return frameBytes;
    }

    /**
     * A packet's payload (after RTP header and padding) that arrived at {@code arrivalNanos} (the
     * same monotonic clock as {@link #tick}). Telephone-events and comfort noise are not audio
     * units: route them elsewhere.
     */
    public Offer offer(int payloadType, long rtpTimestamp, byte[] payload, int offset, int length, long arrivalNanos) {
        if (payload == null || offset < 0 || length <= 0 || offset > payload.length - length
                || length % bytesPerUnit != 0 || length / bytesPerUnit > maxPacketUnits) {
            rejectedPackets++;
            return Offer.REJECTED;
        }
        int units = length / bytesPerUnit;
        if (!haveBase) {
            haveBase = true;
            baseNanos = arrivalNanos;
        }
        long arrival = toUnits(arrivalNanos - baseNanos);
        lastArrival = Math.max(lastArrival, arrival);
        boolean resynced = false;
        if (!anchored) {
            anchor(rtpTimestamp, arrival);
        }
        long extended = Wraparound.extendTimestamp(referenceTimestamp, rtpTimestamp);
        long relative = extended - anchorTimestamp;
        long firstFrame = Math.floorDiv(relative, frameUnits);
        long lastFrame = Math.floorDiv(relative + units - 1, frameUnits);

        if (lastFrame >= nextFrame + capacity) {
            // Far ahead of the playout point: the sender's timestamps jumped.
            anchor(rtpTimestamp, arrival);
            resyncs++;
            resynced = true;
        } else if (lastFrame < nextFrame) {
            if (!playing && highestFrame - firstFrame < capacity) {
                nextFrame = firstFrame; // reordered before the first packet: start earlier
            } else if (nextFrame - lastFrame > capacity && ++farLateRun >= FAR_LATE_RUN_TO_RESYNC) {
                anchor(rtpTimestamp, arrival);
                resyncs++;
                resynced = true;
            } else {
                latePackets++;
                noteTransit(arrival - extended, arrival);
                return Offer.TOO_LATE;
            }
        }
        if (resynced) {
            extended = Wraparound.extendTimestamp(referenceTimestamp, rtpTimestamp);
            relative = extended - anchorTimestamp;
            firstFrame = 0;
            lastFrame = Math.floorDiv(relative + units - 1, frameUnits);
        }
        farLateRun = 0;
        noteTransit(arrival - extended, arrival);
        if (extended > referenceTimestamp) {
            referenceTimestamp = extended;
        }
        highestFrame = Math.max(highestFrame, lastFrame);

        int newUnits = 0;
        for (long frame = Math.max(firstFrame, nextFrame); frame <= lastFrame; frame++) {
            long frameStart = frame * frameUnits;
            int from = (int) (Math.max(relative, frameStart) - frameStart);
            int to = (int) (Math.min(relative + units, frameStart + frameUnits) - frameStart);
            int slot = (int) (frame & (capacity - 1));
            if (slotFrame[slot] != frame) {
                slotFrame[slot] = frame;
                slotUnits[slot] = 0;
                slotPayloadType[slot] = payloadType;
                Arrays.fill(present, slot * masksPerFrame, (slot + 1) * masksPerFrame, 0L);
            }
            int added = markPresent(slot, from, to);
            if (added > 0) {
                slotUnits[slot] += added;
                int source = offset + (int) (frameStart + from - relative) * bytesPerUnit;
                System.arraycopy(payload, source, audio, slot * frameBytes + from * bytesPerUnit, (to - from) * bytesPerUnit);
                newUnits += added;
            }
        }
        if (newUnits == 0) {
            duplicatePackets++;
            return Offer.DUPLICATE;
        }
        return resynced ? Offer.RESYNCED : Offer.STORED;
    }

    /**
     * One clock tick (every frame length, on the leg's clock): fills {@code out} with what to play
     * now and returns its status.
     */
    public Status tick(long nowNanos, Playout out) {
        if (!anchored) {
            return out.set(Status.IDLE, -1, -1, 0);
        }
        long now = toUnits(nowNanos - baseNanos);
        long minTransit = Long.MAX_VALUE;
        long maxTransit = Long.MIN_VALUE;
        for (int i = 0; i < BUCKETS; i++) {
            if (bucketId[i] != EMPTY && bucketId[i] > newestBucket - BUCKETS) {
                minTransit = Math.min(minTransit, bucketMin[i]);
                maxTransit = Math.max(maxTransit, bucketMax[i]);
            }
        }
        if (minTransit == Long.MAX_VALUE) {
            return out.set(Status.IDLE, -1, -1, 0);
        }
        long depth = Math.max(minDepth, Math.min(maxDepth, maxTransit - minTransit + frameUnits / 2));
        if (now - firstArrival < clockRate) {
            depth = Math.max(depth, startDepth);
        }
        lastDepth = depth;
        long ahead = now - (anchorTimestamp + nextFrame * frameUnits) - minTransit;
        if (!playing) {
            if (ahead < depth) {
                return out.set(Status.IDLE, -1, -1, 0);
            }
            playing = true;
        } else if (ahead < depth || heldUp(nextFrame, ahead, now)) {
            fillFrames++;
            return out.set(Status.FILL, -1, -1, 0);
        } else if (ahead >= depth + 2 * frameUnits + frameUnits / 2 && mayShed(nextFrame, ahead)) {
            // Two and a half frames of hysteresis: leaving the first second's 60 ms for a 40 ms
            // target must not cost a frame of every call (a skip drops heard audio from the
            // recording too); the buffer sits a little deeper instead, and still sheds a spike.
            release(nextFrame);
            nextFrame++;
            skippedFrames++;
        }
        long frame = nextFrame++;
        long timestamp = (anchorTimestamp + frame * frameUnits) & 0xFFFF_FFFFL;
        int slot = (int) (frame & (capacity - 1));
        if (slotFrame[slot] == frame && slotUnits[slot] == frameUnits) {
            System.arraycopy(audio, slot * frameBytes, out.payload, 0, frameBytes);
            release(frame);
            audioFrames++;
            return out.set(Status.AUDIO, slotPayloadType[slot], timestamp, frameBytes);
        }
        if (slotFrame[slot] == frame && slotUnits[slot] > 0) {
            partialFrames++;
        }
        release(frame);
        lostFrames++;
        return out.set(Status.LOST, -1, timestamp, 0);
    }

    /** Forgets everything (a new source): the next packet anchors the buffer again. */
    public void reset() {
        anchored = false;
        playing = false;
        Arrays.fill(slotFrame, EMPTY);
        Arrays.fill(bucketId, EMPTY);
    }

    private void anchor(long rtpTimestamp, long arrival) {
        anchored = true;
        playing = false;
        anchorTimestamp = rtpTimestamp & 0xFFFF_FFFFL;
        referenceTimestamp = anchorTimestamp;
        firstArrival = arrival;
        nextFrame = 0;
        highestFrame = 0;
        farLateRun = 0;
        newestBucket = Math.floorDiv(arrival, clockRate);
        Arrays.fill(slotFrame, EMPTY);
        Arrays.fill(bucketId, EMPTY);
    }

    /**
     * Whether to wait for {@code frame} rather than play it as lost: none of it and nothing after
     * it has arrived, the buffer is not at its maximum depth, and packets came within that depth.
     */
    private boolean heldUp(long frame, long ahead, long now) {
        int slot = (int) (frame & (capacity - 1));
        return slotFrame[slot] != frame && highestFrame < frame && ahead < maxDepth && now - lastArrival < maxDepth;
    }

    /**
     * Whether the too-deep buffer may shed {@code frame}: it did not arrive in full (a gap either
     * way), it is quiet, or the buffer is past its maximum depth (the delay must stay bounded).
     */
    private boolean mayShed(long frame, long ahead) {
        if (ahead >= maxDepth + 2 * frameUnits + frameUnits / 2) {
            return true;
        }
        int slot = (int) (frame & (capacity - 1));
        if (slotFrame[slot] != frame || slotUnits[slot] != frameUnits) {
            return true;
        }
        return quietFrames.isQuiet(slotPayloadType[slot], audio, slot * frameBytes, frameBytes);
    }

    private void release(long frame) {
        int slot = (int) (frame & (capacity - 1));
        if (slotFrame[slot] == frame) {
            slotFrame[slot] = EMPTY;
        }
    }

    private int markPresent(int slot, int from, int to) {
        int added = 0;
        int base = slot * masksPerFrame;
        for (int unit = from; unit < to; ) {
            int word = unit >>> 6;
            int bitFrom = unit & 63;
            int bitTo = Math.min(64, bitFrom + (to - unit));
            long mask = bitTo == 64 ? -1L << bitFrom : ((1L << bitTo) - 1) & (-1L << bitFrom);
            added += Long.bitCount(mask & ~present[base + word]);
            present[base + word] |= mask;
            unit += bitTo - bitFrom;
        }
        return added;
    }

    private void noteTransit(long transit, long arrival) {
        long id = Math.floorDiv(arrival, clockRate);
        int i = (int) Math.floorMod(id, (long) BUCKETS);
        if (bucketId[i] != id) {
            bucketId[i] = id;
            bucketMin[i] = transit;
            bucketMax[i] = transit;
        } else {
            bucketMin[i] = Math.min(bucketMin[i], transit);
            bucketMax[i] = Math.max(bucketMax[i], transit);
        }
        newestBucket = Math.max(newestBucket, id);
    }

    private long toUnits(long nanos) {
        return (nanos / 1_000_000_000L) * clockRate + (nanos % 1_000_000_000L) * clockRate / 1_000_000_000L;
    }

    /** The depth the last tick aimed at, in milliseconds. */
    public long depthMillis() {
        return lastDepth * 1000 / clockRate;
    }

    /**
     * How long the audio received so far takes to play out, in milliseconds: the frames up to the
     * newest one heard that ticks have not handed out yet, or the target depth if that is more (a
     * frame arriving now waits that long). What a stream still owes its listener at the moment it
     * is paused.
     */
    public long pendingMillis() {
        if (!anchored) {
            return 0;
        }
        long pendingFrames = Math.max(0, highestFrame + 1 - nextFrame);
        return Math.max(pendingFrames * frameUnits, lastDepth) * 1000 / clockRate;
    }

    public long audioFrames() {
        return audioFrames;
    }

    /** Frames due but missing (in whole or in part) when their tick came: gaps the caller filled. */
    public long lostFrames() {
        return lostFrames;
    }

    /** Of {@link #lostFrames()}, those of which some part had arrived. */
    public long partialFrames() {
        return partialFrames;
    }

    public long fillFrames() {
        return fillFrames;
    }

    public long skippedFrames() {
        return skippedFrames;
    }

    public long latePackets() {
        return latePackets;
    }

    public long duplicatePackets() {
        return duplicatePackets;
    }

    public long rejectedPackets() {
        return rejectedPackets;
    }

    public long resyncs() {
        return resyncs;
    }

    /** What one tick hands out; the caller makes one and reuses it, so ticks allocate nothing. */
    public static final class Playout {
        private final byte[] payload;
        private Status status = Status.IDLE;
        private int payloadType = -1;
        private long rtpTimestamp = -1;
        private int length;

        public Playout(JitterBuffer buffer) {
            this.payload = new byte[buffer.frameBytes()];
        }

        private Status set(Status status, int payloadType, long rtpTimestamp, int length) {
            this.status = status;
            this.payloadType = payloadType;
            this.rtpTimestamp = rtpTimestamp;
            this.length = length;
            return status;
        }

        public Status status() {
            return status;
        }

        /** The frame's bytes ({@link #length()} of them) when {@link Status#AUDIO}. */
        public byte[] payload() {
            return payload;
        }

        public int length() {
            return length;
        }

        /** Payload type of the frame's first packet; -1 unless {@link Status#AUDIO}. */
        public int payloadType() {
            return payloadType;
        }

        /** RTP timestamp of the frame's first unit (also of a {@link Status#LOST} frame); -1 for IDLE and FILL. */
        public long rtpTimestamp() {
            return rtpTimestamp;
        }
    }
}
