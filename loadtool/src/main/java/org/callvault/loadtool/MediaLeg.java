package org.callvault.loadtool;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.util.concurrent.ThreadLocalRandom;

/**
 * One party's media socket ({@code /ws/media?token=...}): it talks (a tone, paced by the loop's
 * {@link Pacer}) and listens (the peer's frames, checked and timed against the peer's send times).
 * Both legs of a call live on the same event loop, so the peer's send-time ring is read without
 * synchronisation.
 */
final class MediaLeg implements WsClient.Listener, Pacer.Paced {

    /** Send times kept for the last 512 frames (10 s at 20 ms). */
    static final int RING = 512;
    private static final int RING_MASK = RING - 1;
    /** A leg whose socket cannot drain this much is stalled and stops talking (memory bound). */
    static final long MAX_PENDING_BYTES = 4L << 20;

    final Attempt attempt;
    final boolean isCaller;
    final Tone tone;
    /** With {@code --codec opus}: this leg's tone as looped Opus packets; null for PCM. */
    final OpusLoop opus;
    private final Run run;
    private final LoopState loop;
    private final Run.MediaConfig media;
    MediaLeg peer;
    WsClient.Conn conn;

    // talking
    boolean pacing;
    long startNanos;
    long sent;
    long steadySent;
    private long[] sendNanos = new long[RING];
    long sendLagMaxSteadyNs;
    /** Frames this leg had sent when the peer's media socket opened: nobody could hear them yet. */
    long earlyFrames;
    boolean stalled;

    // listening
    final SeqTracker rx = new SeqTracker();
    long steadyReceived;
    /** Received frames that the talker sent before this socket was open. */
    long earlyReceived;
    long corrupt;
    long headerMismatch;
    long unmatched;
    long malformedRx;
    long badFrameReplies;
    long otherText;

    // bandwidth: media frame bytes (16-byte header + payload), without WebSocket framing
    long bytesSent;
    /** Every frame that arrived (duplicates too: they crossed the wire) and its bytes. */
    long wireFramesReceived;
    long bytesReceived;
    // the sampled Opus check (OpusCheck)
    long opusChecked;
    long opusNotTone;

    // listening to a SIP caller (the frames are CallVault's, decoded from its RTP: no byte-exact check)
    /** Every SIP_DECIMATION-th sample is enough to find the caller's tone (below 1.3 kHz) in a frame. */
    static final int SIP_DECIMATION = 4;
    /**
     * A frame plays a packet of the caller's tone when its mean square is at least this: half the
     * tone's (3.2e7). Not more: CallVault's 8 to 44.1 kHz resampler delays by 7 ms, so the frame
     * after a quiet one (a fill or a gap) starts with 7 ms of silence and holds about 65 % of the
     * tone's energy, and the quiet frame holds the 35 % before it; at 75 % the frame after every
     * fill read as quiet too, and the fill as a packet lost.
     */
    static final double SIP_FULL_MEAN_SQUARE = 1.6e7;
    /** The phase steps of up to this many missing packets in a row are told apart; longer runs by the quiet frames. */
    static final int SIP_PHASE_MOD = (int) Math.round(1 / Tone.SIP_STEP_CYCLES);
    private final boolean sipPeer;
    private final double[] sipCos;
    private final double[] sipSin;
    /** Frames that carry a whole packet of the SIP caller's tone, and the quiet frames. */
    long sipToneFrames;
    long sipQuietFrames;
    /** Packets missing between two tone frames (lost, too late, or skipped by the jitter buffer). */
    long sipLost;
    /** Part of {@link #sipLost} found in the steady window (no call set-up in it with whole-run calls). */
    long sipLostSteady;
    /** Quiet frames the jitter buffer inserted between two consecutive packets (it deepened): no audio lost. */
    long sipFills;
    private long sipPendingQuiet;
    private double sipLastPhase;
    /** Running sum of the phase steps beyond one packet per tone frame, in packets. */
    private double sipOffsetSteps;

    // life cycle
    long openNanos;
    int closeCode;
    boolean closed;
    String refused;

    // faults
    boolean dropped;
    int garbageSent;

    MediaLeg(Run run, LoopState loop, Attempt attempt, boolean isCaller, Tone tone) {
        this(run, loop, attempt, isCaller, tone, null);
    }

    MediaLeg(Run run, LoopState loop, Attempt attempt, boolean isCaller, Tone tone, OpusLoop opus) {
        this.opus = opus;
        this.run = run;
        this.loop = loop;
        this.attempt = attempt;
        this.isCaller = isCaller;
        this.tone = tone;
        this.media = run.media;
        this.sipPeer = attempt.sip() && !isCaller;
        int n = sipPeer ? media.samplesPerFrame() / SIP_DECIMATION : 0;
        this.sipCos = new double[n];
        this.sipSin = new double[n];
        double w = 2 * Math.PI * attempt.callerFrequency * SIP_DECIMATION / media.sampleRate();
        for (int i = 0; i < n; i++) {
            sipCos[i] = Math.cos(w * i);
            sipSin[i] = Math.sin(w * i);
        }
    }

    String name() {
        return isCaller ? "caller" : "agent";
    }

    @Override
    public void onOpen(WsClient.Conn c) {
        conn = c;
        openNanos = System.nanoTime();
        run.mediaSocketsOpen.incrementAndGet();
        if (peer != null && peer.openNanos > 0) {
            peer.earlyFrames = peer.sent;
        }
        if (attempt.endRequested) {
            conn.close(1000);
            return;
        }
        startNanos = loop.pacer.nextTick(openNanos);
        pacing = true;
        loop.pacer.add(this);
        attempt.onLegOpen(this);
    }

    @Override
    public boolean pacing() {
        return pacing;
    }

    /** Sends every frame due by {@code now} (plus {@code earlyNanos} of tolerance), then flushes once. */
    @Override
    public void sendDue(long now, long earlyNanos) {
        long frameNanos = media.frameNanos();
        long elapsed = now - startNanos + earlyNanos;
        if (elapsed < 0) {
            return;
        }
        long due = elapsed / frameNanos + 1;
        long n = Math.min(due - sent, Pacer.MAX_CATCH_UP);
        if (n <= 0) {
            return;
        }
        Channel ch = conn.channel;
        if (ch == null || !conn.isOpen()) {
            pacing = false;
            return;
        }
        if (!ch.isWritable() && ch.bytesBeforeWritable() > MAX_PENDING_BYTES) {
            stalled = true;
            pacing = false;
            run.count("media.stalled_leg");
            run.note("call " + attempt.label() + " " + name() + " leg stalled: the server does not read its frames");
            return;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        boolean steadyKnown = run.steadyStart != Long.MAX_VALUE;
        for (long k = 0; k < n; k++) {
            long seq = sent;
            ByteBuf b;
            if (opus != null) {
                byte[] packet = opus.packet(seq);
                int wsBytes = Frame.wsFrameSize(Frame.HEADER_BYTES + packet.length);
                b = ch.alloc().directBuffer(wsBytes, wsBytes);
                Frame.writeMaskedMediaFrame(b, rnd.nextInt(), Frame.KIND_OPUS, seq, OpusLoop.timestamp(seq),
                        packet, 0, packet.length, loop.scratch);
                bytesSent += Frame.HEADER_BYTES + packet.length;
            } else {
                int pcmBytes = tone.frameBytes();
                int wsBytes = Frame.wsFrameSize(Frame.HEADER_BYTES + pcmBytes);
                long ts = seq * media.samplesPerFrame();
                b = ch.alloc().directBuffer(wsBytes, wsBytes);
                Frame.writeMaskedMediaFrame(b, rnd.nextInt(), seq, ts, tone.pcm, tone.byteOffset(ts), pcmBytes, loop.scratch);
                bytesSent += Frame.HEADER_BYTES + pcmBytes;
            }
            long t = System.nanoTime();
            long[] times = sendNanos;
            if (times == null) {
                b.release();
                pacing = false;
                return;
            }
            times[(int) seq & RING_MASK] = t;
            conn.writeRaw(b);
            sent++;
            if (steadyKnown && run.inSteady(t)) {
                steadySent++;
                long lag = t - (startNanos + seq * frameNanos);
                if (lag > sendLagMaxSteadyNs) {
                    sendLagMaxSteadyNs = lag;
                }
            }
        }
        conn.flush();
    }

    @Override
    public void onBinary(WsClient.Conn c, ByteBuf frame) {
        long now = System.nanoTime();
        wireFramesReceived++;
        bytesReceived += frame.readableBytes();
        if (opus != null) {
            onOpusFrame(frame, now);
            return;
        }
        if (!Frame.looksValid(frame)) {
            malformedRx++;
            return;
        }
        if (sipPeer) {
            onSipFrame(frame, now);
            return;
        }
        long seq = Frame.sequence(frame);
        SeqTracker.Result r = rx.receive(seq);
        if (r == SeqTracker.Result.DUPLICATE || r == SeqTracker.Result.TOO_OLD) {
            return;
        }
        boolean steady = run.inSteady(now);
        if (steady) {
            steadyReceived++;
        }
        MediaLeg talker = peer;
        if (talker == null) {
            unmatched++;
            return;
        }
        if (seq < talker.earlyFrames) {
            earlyReceived++;
        }
        long ts = Frame.timestamp(frame);
        int payload = frame.readableBytes() - Frame.HEADER_BYTES;
        if (ts != seq * media.samplesPerFrame()) {
            headerMismatch++;
        } else if (payload != talker.tone.frameBytes()
                || !ByteBufUtil.equals(frame, frame.readerIndex() + Frame.HEADER_BYTES,
                        talker.tone.buf, talker.tone.byteOffset(ts), payload)) {
            corrupt++;
        }
        long talkerSent = talker.sent;
        if (seq < talkerSent && talkerSent - seq <= RING && talker.sendNanos != null) {
            loop.recordDelay(now, now - talker.sendNanos[(int) seq & RING_MASK], steady, attempt.slot.hasFaults());
        } else {
            unmatched++;
        }
    }

    /**
     * An Opus frame of the peer (protocol version 2): counted and timed as a PCM frame; its payload
     * must be the talker's packet for that sequence byte for byte (the server relays Opus to Opus
     * untouched), and one frame in {@link OpusCheck#EVERY} is decoded and must carry the talker's tone.
     */
    private void onOpusFrame(ByteBuf frame, long now) {
        if (!Frame.looksValidOpus(frame)) {
            malformedRx++;
            return;
        }
        long seq = Frame.sequence(frame);
        SeqTracker.Result r = rx.receive(seq);
        if (r == SeqTracker.Result.DUPLICATE || r == SeqTracker.Result.TOO_OLD) {
            return;
        }
        boolean steady = run.inSteady(now);
        if (steady) {
            steadyReceived++;
        }
        MediaLeg talker = peer;
        if (talker == null || talker.opus == null) {
            unmatched++;
            return;
        }
        if (seq < talker.earlyFrames) {
            earlyReceived++;
        }
        int offset = frame.readerIndex() + Frame.HEADER_BYTES;
        int payload = frame.readableBytes() - Frame.HEADER_BYTES;
        ByteBuf expected = talker.opus.packetBuf(seq);
        if (Frame.timestamp(frame) != OpusLoop.timestamp(seq)) {
            headerMismatch++;
        } else if (payload != expected.readableBytes() || !ByteBufUtil.equals(frame, offset, expected, 0, payload)) {
            corrupt++;
        }
        if (OpusCheck.sampled(seq)) {
            opusChecked++;
            if (loop.opusCheck.toneShare(frame, offset, payload, talker.opus) < talker.opus.minShare(seq)) {
                opusNotTone++;
            }
        }
        long talkerSent = talker.sent;
        if (seq < talkerSent && talkerSent - seq <= RING && talker.sendNanos != null) {
            loop.recordDelay(now, now - talker.sendNanos[(int) seq & RING_MASK], steady, attempt.slot.hasFaults());
        } else {
            unmatched++;
        }
    }

    /**
     * A frame of the SIP caller, as CallVault decoded and resampled it on its own clock: one per 20 ms
     * from its first packet on, out of its jitter buffer, which plays a lost or late packet as a quiet
     * frame, may insert a quiet frame to deepen (no packet lost) and may skip a packet to get
     * shallower (one lost). Frames are counted by sequence (gaps: lost on the way to this socket).
     * Which packets made it is read from the tone's phase: each packet advances it by
     * {@link Tone#SIP_STEP_CYCLES}, so between two tone frames the phase step says how many packets
     * are missing (modulo {@link #SIP_PHASE_MOD}; longer runs are resolved by the quiet frames).
     */
    private void onSipFrame(ByteBuf frame, long now) {
        SeqTracker.Result r = rx.receive(Frame.sequence(frame));
        if (r == SeqTracker.Result.DUPLICATE || r == SeqTracker.Result.TOO_OLD) {
            return;
        }
        if (run.inSteady(now)) {
            steadyReceived++;
        }
        int base = frame.readerIndex() + Frame.HEADER_BYTES;
        int n = Math.min((frame.readableBytes() - Frame.HEADER_BYTES) / 2 / SIP_DECIMATION, sipCos.length);
        double e = 0;
        double c = 0;
        double sn = 0;
        for (int i = 0; i < n; i++) {
            double x = frame.getShortLE(base + 2 * i * SIP_DECIMATION);
            e += x * x;
            c += x * sipCos[i];
            sn += x * sipSin[i];
        }
        // |X|^2 against the energy: 1 for the pure tone (as Goertzel.Meter's relative power)
        boolean tone = n > 0 && e / n >= SIP_FULL_MEAN_SQUARE && (c * c + sn * sn) / (e * n / 2.0) >= SipPhone.TONE_SHARE;
        if (!tone) {
            sipQuietFrames++;
            if (sipToneFrames > 0) {
                sipPendingQuiet++;
            }
            return;
        }
        double phase = Math.atan2(-sn, c) / (2 * Math.PI);
        if (sipToneFrames > 0) {
            long before = sipLost;
            sipOffsetSteps += stepsBeyondOne(phase - sipLastPhase, sipPendingQuiet);
            sipLost = Math.max(0, Math.round(sipOffsetSteps));
            if (sipLost > before && run.inSteady(now)) {
                sipLostSteady += sipLost - before;
            }
            sipFills += Math.max(0, sipPendingQuiet - Math.max(0, sipLost - before));
        }
        sipLastPhase = phase;
        sipPendingQuiet = 0;
        sipToneFrames++;
    }

    /**
     * How many packet steps beyond one the phase moved between two tone frames ({@code deltaCycles})
     * with {@code quiet} frames between them: the phase gives it modulo {@link #SIP_PHASE_MOD}, the
     * quiet frames pick the multiple (a long loss is as many quiet frames). Not rounded: the
     * resampler's filter spans a frame boundary, so the frame after a skipped packet holds a little
     * of the packet before it and moves part of the way; the sum over the call is exact, so the lost
     * packets are the rounded running sum, not a sum of rounded steps.
     *
     * <p>The multiple is the largest the quiet frames allow (lost packets are at most the quiet
     * frames, plus a shed one): the rest of the quiet frames are fills. Not the nearest: a jitter
     * buffer that waits out a held-up stream inserts up to ten fills in a row, and 13 fills with the
     * phase moved by one step read as 25 packets lost when the nearest multiple was taken.
     */
    static double stepsBeyondOne(double deltaCycles, long quiet) {
        double d = deltaCycles - Tone.SIP_STEP_CYCLES;
        d -= Math.floor(d + 0.5);
        double steps = d / Tone.SIP_STEP_CYCLES;
        return steps + SIP_PHASE_MOD * Math.max(0, (long) Math.floor((quiet - steps + 1.5) / SIP_PHASE_MOD));
    }

    /** When this leg sent its frame {@code seq}; 0 when not sent (yet) or no longer kept. */
    long sendNanosOf(long seq) {
        long[] times = sendNanos;
        if (times == null || seq < 0 || seq >= sent || sent - seq > RING) {
            return 0;
        }
        return times[(int) seq & RING_MASK];
    }

    @Override
    public void onText(WsClient.Conn c, String text) {
        if (text.contains("\"bad_frame\"")) {
            badFrameReplies++;
        } else {
            otherText++;
            run.count("media.text_message");
            run.note("media " + name() + " text: " + (text.length() > 200 ? text.substring(0, 200) : text));
        }
    }

    @Override
    public void onRefused(WsClient.Conn c, String why) {
        refused = why;
        closed = true;
        pacing = false;
        run.count("media.refused");
        run.note("call " + attempt.label() + " " + name() + " media refused: " + why);
        attempt.onLegGone(this);
    }

    @Override
    public void onClose(WsClient.Conn c, int code, String reason) {
        run.mediaSocketsOpen.decrementAndGet();
        closed = true;
        closeCode = code;
        pacing = false;
        run.count("media.close." + name() + "." + (dropped ? "dropped" : code + (attempt.terminal ? ".after_end"
                : attempt.hangupSent ? ".after_hangup" : ".before_end")));
        attempt.onLegGone(this);
    }

    /** Frees the per-frame bookkeeping once the call is over (the counters stay). */
    void release() {
        pacing = false;
        sendNanos = null;
        rx.release();
    }

    /** Fault: the socket vanishes without a close handshake (FIN, or RST when {@code reset}). */
    void drop(boolean reset) {
        if (conn == null || closed) {
            return;
        }
        dropped = true;
        pacing = false;
        conn.abort(reset);
    }

    /**
     * Fault: a burst of malformed messages between two good frames (they take no sequence number):
     * too short, wrong version, wrong kind, odd payload, payload too long, and a text message.
     */
    void sendGarbage() {
        if (conn == null || !conn.isOpen()) {
            return;
        }
        int pcm = tone.frameBytes();
        conn.sendBinary(Unpooled.wrappedBuffer(new byte[10]));
        conn.sendBinary(garbageFrame(2, 0, pcm));
        conn.sendBinary(garbageFrame(1, 1, pcm));
        conn.sendBinary(garbageFrame(1, 0, pcm - 1));
        conn.sendBinary(garbageFrame(1, 0, media.maxFrameBytes() - Frame.HEADER_BYTES + 2));
        conn.sendText("{\"type\":\"hello\"}");
        garbageSent += 6;
    }

    private ByteBuf garbageFrame(int version, int kind, int payload) {
        ByteBuf b = Unpooled.buffer(Frame.HEADER_BYTES + payload);
        b.writeByte(version).writeByte(kind).writeShort(0).writeInt((int) sent).writeLong(sent * media.samplesPerFrame());
        b.writeZero(payload);
        return b;
    }
}
