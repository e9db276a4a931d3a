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

    // listening to a SIP caller (the frames are CallVault's, decoded from its RTP: no byte-exact check)
    /** Every SIP_DECIMATION-th sample is enough to find the caller's tone (below 800 Hz) in a frame. */
    static final int SIP_DECIMATION = 4;
    private final boolean sipPeer;
    private final double sipCoeff;
    /** Frames that carry the SIP caller's tone, and the quiet ones between two of them (a lost packet). */
    long sipToneFrames;
    long sipHoles;
    long sipQuietFrames;
    private long sipPendingQuiet;

    // life cycle
    long openNanos;
    int closeCode;
    boolean closed;
    String refused;

    // faults
    boolean dropped;
    int garbageSent;

    MediaLeg(Run run, LoopState loop, Attempt attempt, boolean isCaller, Tone tone) {
        this.run = run;
        this.loop = loop;
        this.attempt = attempt;
        this.isCaller = isCaller;
        this.tone = tone;
        this.media = run.media;
        this.sipPeer = attempt.phone != null && !isCaller;
        this.sipCoeff = sipPeer
                ? Goertzel.coefficient(attempt.callerFrequency, media.sampleRate() / (double) SIP_DECIMATION) : 0;
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
        int pcmBytes = tone.frameBytes();
        int wsBytes = Frame.wsFrameSize(Frame.HEADER_BYTES + pcmBytes);
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        boolean steadyKnown = run.steadyStart != Long.MAX_VALUE;
        for (long k = 0; k < n; k++) {
            long seq = sent;
            long ts = seq * media.samplesPerFrame();
            ByteBuf b = ch.alloc().directBuffer(wsBytes, wsBytes);
            Frame.writeMaskedMediaFrame(b, rnd.nextInt(), seq, ts, tone.pcm, tone.byteOffset(ts), pcmBytes, loop.scratch);
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
     * A frame of the SIP caller, as CallVault decoded and resampled it on its own clock: one per 20 ms
     * from its first packet on, a lost or late packet becoming a frame of silence. Counted by
     * sequence (gaps are frames lost on the way to this socket) and checked for the caller's tone
     * (a quiet frame between two tone frames is a packet lost before the server's jitter buffer).
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
        int n = (frame.readableBytes() - Frame.HEADER_BYTES) / 2 / SIP_DECIMATION;
        double e = 0;
        double s1 = 0;
        double s2 = 0;
        double k = sipCoeff;
        for (int i = 0; i < n; i++) {
            double x = frame.getShortLE(base + 2 * i * SIP_DECIMATION);
            e += x * x;
            double s0 = x + k * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        boolean tone = n > 0 && e / n >= SipPhone.MIN_MEAN_SQUARE
                && (s1 * s1 + s2 * s2 - k * s1 * s2) / (e * n / 2.0) >= SipPhone.TONE_SHARE;
        if (tone) {
            if (sipToneFrames > 0) {
                sipHoles += sipPendingQuiet;
            }
            sipPendingQuiet = 0;
            sipToneFrames++;
        } else {
            sipQuietFrames++;
            if (sipToneFrames > 0) {
                sipPendingQuiet++;
            }
        }
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
