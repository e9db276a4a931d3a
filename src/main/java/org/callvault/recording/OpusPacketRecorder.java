package org.callvault.recording;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import org.callvault.media.AudioFormat;
import org.callvault.media.FrameSink;
import org.callvault.media.MediaFrame;
import org.callvault.media.codec.OpusCodec;
import org.callvault.media.codec.OpusMultistream;
import org.callvault.media.codec.OpusWire;
import org.callvault.recording.TrackTimeline.SlidingMinimum;

/**
 * Records a call whose talkers speak Opus by storing their own packets: a stereo Ogg Opus file of
 * two mono streams (RFC 7845 channel mapping family 1), the caller's packets in stream 0 and the
 * agent's in stream 1, with <b>no decoding and no encoding</b>. Where {@link CallRecorder} would
 * decode both talkers, resample twice and encode twice per frame, this only reframes
 * ({@link OpusMultistream#assemble}) and writes pages: the recording of an Opus call costs about
 * what relaying it costs.
 *
 * <p><b>The timeline is one of 20 ms slots</b> at 48 kHz from the moment the part began. A leg's
 * first packet anchors it so that it ends when it arrived (as {@link TrackTimeline} does for PCM);
 * every later packet lands in the slot its media timestamp gives, whatever order it comes in. A
 * packet is placed whole in the nearest slot (it cannot be cut without decoding it). The grid's
 * phase is set by the part's first packet, carried by the file's pre-skip: that party sits exactly
 * where a PCM recording would put it, the other within half a slot (10 ms). A slot with no packet
 * when it is written is a packet of silence.
 *
 * <p><b>Late packets.</b> An Ogg page cannot be patched, so slots are held open for the jitter
 * window plus {@link CallRecorder#LATE_AUDIO_KEPT_MILLIS} before they are written (references to
 * the frames the bridge already holds: about 60 KB a call). A packet later than that is dropped, and
 * counted; so is one further ahead than the hold (a timestamp jump). Three contiguous packets that
 * miss at the sender's pace, or misses that go on for longer than the window plus a second, are a
 * sender that restarted its timestamps: the leg is anchored again.
 *
 * <p><b>Drift</b> is kept by whole packets: the fastest arrivals of the last two seconds against
 * their slots, as {@link TrackTimeline} measures it; when they have moved by more than a packet from
 * where they were after the first two seconds, the leg moves by one slot (a slot of silence for a
 * slow sender, one packet dropped for a fast one). A sound card 100 ppm off costs one 20 ms step in
 * 200 s.
 *
 * <p><b>A PCM frame</b> (a leg that reconnected as a version-1 client, or was never Opus) is encoded
 * here, on the recorder thread, by the same edge an Opus listener uses ({@link OpusWire.Outbound}),
 * and its packets placed like any other. That is the rare case: the call chose this recorder
 * because both talkers had agreed on Opus.
 *
 * <p>The file is exact like the PCM recorder's: its last granule is the pre-skip plus exactly the
 * part's length, so a player trims the last packet. The pre-skip is libopus's lookahead at 48 kHz
 * (312 samples, what browsers' encoders have) plus the grid's phase, so each packet's audio starts
 * at its slot and the file's first sample is the part's first instant.
 *
 * <p>Not thread-safe: the recorder thread owns it.
 */
final class OpusPacketRecorder implements PartRecorder {

    private static final int SLOT = OggPacketFile.PACKET_SAMPLES;
    private static final int RATE = OpusCodec.SAMPLE_RATE;
    /** Room for packets placed ahead of the hold: a leg anchored on a packet that was itself held back. */
    private static final int BURST_AHEAD_MILLIS = CallRecorder.BURST_AHEAD_MILLIS;
    /** Arrival floor: eight buckets of a quarter second, as {@link TrackTimeline}. */
    private static final int FLOOR_BUCKETS = 8;
    private static final int JUMP_RUN = 3;
    private static final long NONE = Long.MIN_VALUE;

    private final Path path;
    private final AudioFormat format;
    private final OggPacketFile file;
    /**
     * Where the slot grid sits on the call's timeline, 0..959 samples: chosen when the first leg
     * anchors so that its packets fall exactly on slots, and carried by the pre-skip; -1 until then.
     */
    private int phase = -1;
    private int preSkip;
    /** 48 kHz samples a slot is held open before it is written: the window and the late-audio hold. */
    private final long hold;
    private final long resyncAfter;
    private final int capacity;
    private final Leg[] legs = new Leg[2];
    private final byte[] assembled = new byte[2 * OpusCodec.MAX_PACKET + 4];
    private final CompletableFuture<Boolean> completion = new CompletableFuture<>();

    /** Slots written to the file. */
    private long written;
    private long framesAccepted;
    private long duplicates;
    private long tooLate;
    private long tooEarly;
    private boolean finishing;
    private RecordingResult result;

    /**
     * Creates {@code path} (it must not exist) and writes the Opus headers.
     *
     * @param format       the call's format: the unit of the times given
     * @param windowMillis how long slots wait for late and reordered packets, as {@link CallRecorder}'s
     */
    OpusPacketRecorder(Path path, AudioFormat format, int windowMillis) throws IOException {
        this.path = path;
        this.format = format;
        this.preSkip = Silence.LOOKAHEAD;
        this.hold = (long) RATE * (windowMillis + CallRecorder.LATE_AUDIO_KEPT_MILLIS) / 1000;
        this.resyncAfter = (long) RATE * windowMillis / 1000 + RATE;
        this.capacity = (int) ((hold + (long) RATE * BURST_AHEAD_MILLIS / 1000) / SLOT) + 4;
        for (int i = 0; i < legs.length; i++) {
            legs[i] = new Leg(capacity);
        }
        this.file = new OggPacketFile(path, 2, true, preSkip, format.sampleRate());
    }

    @Override
    public boolean takesOpus() {
        return true;
    }

    @Override
    public void acceptOpus(int track, byte[] frame, long nowSample) {
        ensureRecording();
        place(leg(track), frame, MediaFrame.timestamp(frame), to48k(nowSample));
    }

    /** A PCM frame: encoded to Opus at this leg's edge, then placed like a talker's packet. */
    @Override
    public void accept(int track, long mediaTimestamp, short[] samples, int offset, int length, long nowSample) {
        ensureRecording();
        Leg leg = leg(track);
        if (leg.pcmEdge == null) {
            leg.pcmEdge = new PcmEdge(leg);
        }
        leg.pcmEdge.encode(mediaTimestamp, samples, offset, length, to48k(nowSample));
    }

    @Override
    public void reanchor(int track) {
        leg(track).anchored = false;
    }

    @Override
    public void advance(long nowSample) {
        ensureRecording();
        long now = to48k(nowSample);
        legs[0].compensateDrift(now);
        legs[1].compensateDrift(now);
        writeUpTo(Math.floorDiv(now - hold, SLOT));
    }

    @Override
    public RecordingResult finish(long endSample) {
        if (result != null) {
            return result;
        }
        ensureRecording();
        if (endSample < 0) {
            throw new IllegalArgumentException("endSample must not be negative, got " + endSample);
        }
        finishing = true;
        long end = to48k(endSample);
        long samples = endSample;
        try {
            try {
                if (preSkip + end < written * SLOT) {
                    // Written past the end already (the hold makes this all but impossible): pages
                    // cannot be taken back, so the file keeps what it has.
                    end = written * SLOT - preSkip;
                    samples = Math.floorDiv(end * format.sampleRate(), RATE);
                }
                // Up to the packet holding the end: the decoder's first preSkip samples are dropped.
                writeUpTo(-Math.floorDiv(-(preSkip + end), SLOT));
                file.finish(preSkip + end);
            }
            finally {
                file.close();
                releaseEdges();
            }
        }
        catch (IOException e) {
            completion.complete(false);
            throw new UncheckedIOException("Cannot finish recording " + path, e);
        }
        completion.complete(true);
        result = snapshot(samples);
        return result;
    }

    @Override
    public RecordingResult progress() {
        return result != null ? result : snapshot(Math.floorDiv(written * SLOT * format.sampleRate(), RATE));
    }

    @Override
    public void releaseRings() {
        finishing = true;
        releaseEdges();
    }

    @Override
    public void abandon() {
        finishing = true;
        file.close();
        releaseEdges();
        completion.complete(false);
    }

    @Override
    public CompletableFuture<Boolean> completion() {
        return completion;
    }

    /** The slot a leg's media timestamp lands in now, or {@code Long.MIN_VALUE} before its first packet. */
    long slotOf(int track, long timestamp48k) {
        Leg leg = leg(track);
        return leg.anchored ? slot(leg, timestamp48k) : Long.MIN_VALUE;
    }

    /** A packet lands whole in the nearest slot: its start rounded on the grid, moved by the leg's drift steps. */
    private long slot(Leg leg, long timestamp) {
        return Math.floorDiv(timestamp + leg.anchor + phase + SLOT / 2, SLOT) + leg.correction;
    }

    /**
     * The first packet of the part sets the grid: it starts on a slot boundary, so that party loses
     * nothing to the rounding; the other party is within half a slot of its place. Set once: later
     * anchors (a reconnect, a jump) round on the same grid. If slots are written before any packet
     * came (a silent start), the grid stays where the part began.
     */
    private void fixPhase(long position) {
        if (phase >= 0) {
            return;
        }
        phase = position == NONE ? 0 : (int) Math.floorMod(-position, (long) SLOT);
        try {
            if (phase != 0) {
                preSkip = Silence.LOOKAHEAD + phase;
                file.preSkip(preSkip);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot write recording " + path, e);
        }
    }

    long corrections() {
        return legs[0].corrections + legs[1].corrections;
    }

    private void place(Leg leg, byte[] frame, long timestamp, long now) {
        if (!leg.anchored) {
            leg.anchorAt(timestamp, now);
            fixPhase(now - SLOT);
        }
        long slot = slot(leg, timestamp);
        if (slot >= written + capacity && Math.floorDiv(now - hold, SLOT) > written) {
            writeUpTo(Math.floorDiv(now - hold, SLOT)); // a slow caller of advance: catch up first
        }
        if (slot < written) {
            missed(leg, frame, timestamp, now, false);
            return;
        }
        if (slot >= written + capacity) {
            missed(leg, frame, timestamp, now, true);
            return;
        }
        int index = index(slot);
        byte[] there = leg.slots[index];
        if (there != null && MediaFrame.timestamp(there) == timestamp) {
            duplicates++;
            return;
        }
        // Another packet in the slot: the leg was moved back by a drift step or anchored again; the
        // newer audio wins.
        leg.slots[index] = frame;
        leg.missRun = 0;
        leg.missingSince = NONE;
        leg.arrivalSkew.add(now, now - (timestamp + SLOT));
        framesAccepted++;
    }

    /** A packet that fits no slot: dropped, unless it shows that the sender restarted its timestamps. */
    private void missed(Leg leg, byte[] frame, long timestamp, long now, boolean early) {
        if (leg.missRunEnd != NONE && timestamp == leg.missRunEnd) {
            leg.missRun++;
        }
        else {
            leg.missRun = 1;
            leg.missRunSince = now;
        }
        leg.missRunEnd = timestamp + SLOT;
        if (leg.missingSince == NONE) {
            leg.missingSince = now;
        }
        boolean jumped = leg.missRun >= JUMP_RUN && now - leg.missRunSince >= SLOT;
        if (jumped || now - leg.missingSince >= resyncAfter) {
            leg.resyncs++;
            leg.anchorAt(timestamp, now);
            place(leg, frame, timestamp, now);
        }
        else if (early) {
            tooEarly++;
        }
        else {
            tooLate++;
        }
    }

    private void writeUpTo(long slot) {
        if (written < slot) {
            fixPhase(NONE);
        }
        try {
            while (written < slot) {
                int index = index(written);
                int length = OpusMultistream.assemble(packetOf(legs[0], index), MediaFrame.HEADER_BYTES,
                        packetLength(legs[0], index), packetOf(legs[1], index), MediaFrame.HEADER_BYTES,
                        packetLength(legs[1], index), assembled, 0);
                legs[0].slots[index] = null;
                legs[1].slots[index] = null;
                file.append(assembled, 0, length);
                written++;
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot write recording " + path, e);
        }
    }

    private static byte[] packetOf(Leg leg, int index) {
        byte[] frame = leg.slots[index];
        return frame != null ? frame : Silence.FRAME;
    }

    private static int packetLength(Leg leg, int index) {
        return packetOf(leg, index).length - MediaFrame.HEADER_BYTES;
    }

    private int index(long slot) {
        return (int) Math.floorMod(slot, (long) capacity);
    }

    private long to48k(long callSamples) {
        return Math.floorDiv(callSamples * RATE, format.sampleRate());
    }

    private RecordingResult snapshot(long samples) {
        long corrections = legs[0].corrections + legs[1].corrections;
        long skipped = (legs[0].skipped + legs[1].skipped) * SLOT;
        long padded = (legs[0].padded + legs[1].padded) * SLOT;
        return new RecordingResult(samples, file.fileBytes(), framesAccepted, duplicates, tooLate, tooEarly, corrections,
                Math.floorDiv(skipped * format.sampleRate(), RATE), Math.floorDiv(padded * format.sampleRate(), RATE),
                legs[0].resyncs + legs[1].resyncs);
    }

    private void releaseEdges() {
        for (Leg leg : legs) {
            if (leg.pcmEdge != null) {
                leg.pcmEdge.release();
                leg.pcmEdge = null;
            }
        }
    }

    private Leg leg(int track) {
        if (track != 0 && track != 1) {
            throw new IllegalArgumentException("track must be 0 (caller) or 1 (agent), got " + track);
        }
        return legs[track];
    }

    private void ensureRecording() {
        if (finishing) {
            throw new IllegalStateException("The recording is finished");
        }
    }

    /** One party's slots and its place on the timeline. */
    private static final class Leg {

        /** Frames (header and packet) by slot, {@code slot mod capacity}; null: nothing yet. */
        final byte[][] slots;
        final SlidingMinimum arrivalSkew = new SlidingMinimum(FLOOR_BUCKETS, RATE / 4);
        boolean anchored;
        /** Timeline position (48 kHz) = media timestamp + anchor, before the drift steps. */
        long anchor;
        /** Drift steps so far, in slots: + a slow sender moved later, − a fast one moved earlier. */
        long correction;
        long baseline = NONE;
        long anchoredAt;
        long missingSince = NONE;
        long missRunEnd = NONE;
        int missRun;
        long missRunSince;
        long corrections;
        long skipped;
        long padded;
        long resyncs;
        PcmEdge pcmEdge;

        Leg(int capacity) {
            this.slots = new byte[capacity][];
        }

        /** The packet just arrived, so it ended about now. */
        void anchorAt(long timestamp, long now) {
            anchor = now - SLOT - timestamp - correction * SLOT;
            anchored = true;
            anchoredAt = now;
            baseline = NONE;
            missingSince = NONE;
            missRun = 0;
            missRunEnd = NONE;
            arrivalSkew.clear();
        }

        /** One slot at a time, and only once the arrivals have left a whole packet's dead band. */
        void compensateDrift(long now) {
            if (!anchored) {
                return;
            }
            long fastest = arrivalSkew.minimum(now);
            if (fastest == Long.MAX_VALUE) {
                return; // nothing arrived lately: nothing to measure
            }
            if (baseline == NONE) {
                if (now - anchoredAt < (long) FLOOR_BUCKETS * (RATE / 4)) {
                    return;
                }
                baseline = fastest - anchor - correction * SLOT;
            }
            long lateness = fastest - anchor - correction * SLOT - baseline;
            if (lateness > SLOT) {
                correction++;
                padded++;
            }
            else if (lateness < -SLOT) {
                correction--;
                skipped++;
            }
            else {
                return;
            }
            corrections++;
        }
    }

    /** A PCM leg in a packet recording: its frames encoded to Opus as an Opus listener's edge would. */
    private final class PcmEdge implements FrameSink {

        private final Leg leg;
        private final OpusWire.Outbound encoder;
        private final byte[] pcmFrame;
        private long now;

        PcmEdge(Leg leg) {
            this.leg = leg;
            this.encoder = new OpusWire.Outbound(this, format);
            this.pcmFrame = new byte[MediaFrame.maxFrameBytes(format)];
        }

        void encode(long timestamp, short[] samples, int offset, int length, long now48k) {
            this.now = now48k;
            int count = Math.min(length, (pcmFrame.length - MediaFrame.HEADER_BYTES) / 2);
            byte[] frame = new byte[MediaFrame.HEADER_BYTES + 2 * count];
            MediaFrame.writeHeader(frame, 0, timestamp);
            for (int i = 0, at = MediaFrame.HEADER_BYTES; i < count; i++, at += 2) {
                short sample = samples[offset + i];
                frame[at] = (byte) sample;
                frame[at + 1] = (byte) (sample >> 8);
            }
            encoder.offer(frame);
        }

        /** An encoded Opus frame from the edge: placed at the time its PCM arrived. */
        @Override
        public void offer(byte[] opusFrame) {
            place(leg, opusFrame, MediaFrame.timestamp(opusFrame), now);
        }

        @Override
        public void close() {
        }

        void release() {
            encoder.release();
        }
    }

    /** A 20 ms packet of silence from a mono encoder, as a frame, and that encoder's lookahead. */
    private static final class Silence {

        static final byte[] FRAME;
        static final int LOOKAHEAD;

        static {
            OpusCodec.Encoder encoder = OpusCodec.newEncoder(1, OpusWire.BITRATE, RecordingFormat.OPUS_COMPLEXITY);
            try {
                byte[] packet = new byte[OpusCodec.MAX_PACKET];
                int length = encoder.encode(new short[SLOT], 0, SLOT, packet, 0);
                FRAME = new byte[MediaFrame.HEADER_BYTES + length];
                MediaFrame.writeHeader(FRAME, OpusWire.KIND_OPUS, 0, 0);
                System.arraycopy(packet, 0, FRAME, MediaFrame.HEADER_BYTES, length);
                LOOKAHEAD = encoder.lookahead();
            }
            finally {
                OpusCodec.release(encoder);
            }
        }
    }
}
