package org.callvault.transport.sip;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.callvault.media.AudioFormat;
import org.callvault.media.Bridge;
import org.callvault.media.FrameSink;
import org.callvault.media.MediaFrame;
import org.callvault.media.Pcm16;
import org.callvault.media.Resampler;
import org.callvault.media.codec.AudioCodec;
import org.callvault.media.codec.AudioDecoder;
import org.callvault.media.codec.AudioEncoder;
import org.callvault.media.codec.OpusCodec;
import org.callvault.transport.sip.rtp.JitterBuffer;
import org.callvault.transport.sip.rtp.Rtcp;
import org.callvault.transport.sip.rtp.RtpPacket;
import org.callvault.transport.sip.rtp.RtpReceiverStats;
import org.callvault.transport.sip.rtp.SymmetricRtp;
import org.callvault.transport.sip.rtp.TelephoneEvents;

/**
 * The media of one SIP call's caller leg: its RTP and RTCP sockets on one side, its track of the
 * call's {@link Bridge} on the other. The codec (G.711, G.722, or Opus on a recording session's
 * stream) is converted here, at the edge, once per frame each way, so the bridge and the recorder
 * see the same frames as from a browser and never learn which codec a leg used.
 *
 * <p><b>In</b> (the {@link RtpEngine} worker's thread, no lock): RTP → symmetric-RTP latch →
 * receiver statistics → jitter buffer (or telephone-events, for DTMF); on every 20 ms tick the
 * buffer hands out one frame (audio, or silence for a lost or late one), which is decoded,
 * resampled from the codec's rate (8 kHz G.711, 16 kHz G.722, 48 kHz Opus) to the call's rate and
 * given to the bridge stamped with this leg's own
 * sample clock. The tick runs on the server clock, so the leg never drifts on the timeline; the
 * jitter buffer absorbs the sender's clock by filling or skipping. G.711 and G.722 payloads are one
 * byte per RTP clock unit (G.722's clock is 8 kHz though it samples at 16), so the buffer holds
 * them coded and cuts them on frame boundaries; Opus comes in whole frames that only its decoder
 * can cut, so an Opus packet is decoded as it arrives and the buffer holds its 48 kHz PCM (two
 * bytes per unit) instead: reordered Opus packets are decoded in arrival order, a loss is silence.
 *
 * <p><b>Out</b> (the thread that delivers the agent's frame, under {@link #outbound}): the bridge
 * offers a frame; it is resampled to the codec's rate, encoded and sent at once as one RTP packet to
 * where the peer's packets come from (symmetric RTP, for NAT), else to its SDP address.
 *
 * <p><b>Hold.</b> An offer that stops the peer from receiving ({@code sendonly}, {@code inactive})
 * is a hold: nothing is sent to it and what it sends (music on hold) is not relayed or recorded;
 * what it sent before the hold still plays out of the jitter buffer, then the leg's track is
 * silence until it resumes.
 */
final class SipMediaLeg implements FrameSink {

    /** What the leg tells its call; called on the RTP worker's thread, so it must only queue. */
    interface Listener {

        void digit(TelephoneEvents.Digit digit);
    }

    private static final int COMFORT_NOISE = 13;
    private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int MAX_DATAGRAM = 1500;

    private final DatagramChannel rtp;
    private final DatagramChannel rtcp;
    private final int localPort;
    private final AudioFormat format;
    private volatile Listener listener;
    private final int ssrc = ThreadLocalRandom.current().nextInt();
    private final boolean recordOnly;

    // --- the worker's state: touched on its thread only -----------------------------------------
    private final ByteBuffer received = ByteBuffer.allocate(MAX_DATAGRAM);
    private final RtpPacket packet = new RtpPacket();
    private final Rtcp.Compound control = new Rtcp.Compound();
    private final RtpReceiverStats stats;
    private final RtpReceiverStats.ReportBlock reportBlock = new RtpReceiverStats.ReportBlock();
    private final TelephoneEvents events;
    /** The receive chain of {@link #receiveCodec}: rebuilt when a re-INVITE changes the codec. */
    private AudioCodec receiveCodec;
    private AudioDecoder decoder;
    private JitterBuffer jitter;
    private JitterBuffer.Playout playout;
    private Resampler up;
    private short[] codecIn;
    private short[] wideIn;
    /** Opus only: one packet decoded on arrival, as samples and as the bytes the jitter buffer holds. */
    private short[] decodedPacket;
    private byte[] decodedBytes;
    private long undecodable;
    private final byte[] reportBytes = new byte[256];
    private final ByteBuffer report = ByteBuffer.wrap(reportBytes);
    private final byte[] cname;
    private SymmetricRtp latch;
    private SymmetricRtp controlLatch;
    private SdpOffer appliedOffer;
    private InetSocketAddress controlPeer;
    private int audioPayload;
    private int eventPayload;
    private boolean started;
    private long frameSequence;
    private long mediaTimestamp;
    private long nextReport;
    /** Ticks of silence while held (after what arrived before the hold played out). */
    private long heldSilentFrames;

    // --- shared between the worker and the signaling threads ------------------------------------
    private volatile Bridge bridge;
    private volatile int track;
    private volatile SdpOffer offer;
    private volatile boolean held;
    private volatile InetSocketAddress sendTo;
    private volatile boolean closed;
    private volatile long datagrams;
    private volatile long heardFrames;
    /** The receiver statistics' loss, published on every tick for other threads. */
    private volatile long lost;
    private volatile long receivedPackets;
    /** How long the audio received so far takes to play out ({@link JitterBuffer#pendingMillis}), as of the last tick. */
    private volatile long pendingMillis;

    // --- the outbound side: under its lock, on whichever thread delivers the agent's frames -----
    private final Object outbound = new Object();
    private AudioCodec sendCodec;
    private AudioEncoder encoder;
    private Resampler down;
    private short[] wideOut = new short[4 * 882];
    private short[] narrowOut;
    /** Room for 80 ms of G.711 and for the largest Opus packet. */
    private final byte[] packetOut = new byte[RtpPacket.HEADER_LENGTH + OpusCodec.MAX_PACKET];
    private final ByteBuffer sendBuffer = ByteBuffer.wrap(packetOut);
    private int sequenceOut = ThreadLocalRandom.current().nextInt(1 << 16);
    private long rtpTimestampOut = ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL;
    private long expectedMediaTimestamp = Long.MIN_VALUE;
    private boolean markNext = true;
    private long packetsSent;
    private long sendsDropped;

    SipMediaLeg(DatagramChannel rtp, DatagramChannel rtcp, int localPort, SdpOffer offer, AudioFormat format,
            String cname) {
        this(rtp, rtcp, localPort, offer, format, cname, false);
    }

    /**
     * @param recordOnly a stream of a recording session (SIPREC): never sends, and {@code sendonly}
     *                   is its normal state; only {@code inactive} pauses it
     */
    SipMediaLeg(DatagramChannel rtp, DatagramChannel rtcp, int localPort, SdpOffer offer, AudioFormat format,
            String cname, boolean recordOnly) {
        this.recordOnly = recordOnly;
        this.rtp = rtp;
        this.rtcp = rtcp;
        this.localPort = localPort;
        this.format = format;
        this.cname = Rtcp.cname(cname);
        this.offer = offer;
        this.stats = new RtpReceiverStats(offer.codec().audio.rtpClockRate());
        this.events = new TelephoneEvents(this::digit);
        apply(offer);
        this.sendTo = latch.remote();
        this.held = isHold(offer);
    }

    /** Who hears of DTMF digits (the call's signaling side); digits before it is set are dropped. */
    void listen(Listener newListener) {
        this.listener = newListener;
    }

    private void digit(TelephoneEvents.Digit digit) {
        Listener current = listener;
        if (current != null) {
            current.digit(digit);
        }
    }

    int localPort() {
        return localPort;
    }

    List<DatagramChannel> channels() {
        return rtcp == null ? List.of(rtp) : List.of(rtp, rtcp);
    }

    boolean isClosed() {
        return closed;
    }

    /** The call was answered: the leg joins the bridge on {@code track} and starts its clock. */
    void attach(Bridge bridge, int track) {
        this.track = track;
        this.bridge = bridge;
    }

    /** A re-INVITE's offer: a new address, direction (hold) or payload numbering. */
    void renegotiate(SdpOffer newOffer) {
        this.offer = newOffer;
        this.held = isHold(newOffer);
        if (held) {
            synchronized (outbound) {
                markNext = true; // the first packet after the resume starts a talkspurt
            }
        }
    }

    boolean held() {
        return held;
    }

    /**
     * How long after this moment the leg is still handing over audio it has already received: its
     * jitter buffer's pending time at the last tick, plus the tick that may have come in since.
     */
    long playoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(pendingMillis) + RtpEngine.TICK_NANOS;
    }

    /**
     * Closes the sockets; the worker forgets the leg on its next tick. Idempotent. The bridge calls
     * it too (as a {@link FrameSink}) when the call ends: for a SIP leg both mean the same.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        bridge = null;
        closeQuietly(rtp);
        closeQuietly(rtcp);
        // Native Opus state (libopus) is freed with the leg; a packet being decoded now gets nothing.
        OpusCodec.release(decoder);
        synchronized (outbound) {
            OpusCodec.release(encoder);
        }
    }

    // --- FrameSink: the agent's audio towards the SIP peer --------------------------------------

    @Override
    public void offer(byte[] frame) {
        InetSocketAddress to = sendTo;
        if (recordOnly || closed || held || to == null) {
            return;
        }
        synchronized (outbound) {
            SdpOffer current = offer;
            AudioCodec codec = current.codec().audio;
            if (codec != sendCodec) {
                sendWith(codec);
            }
            int count = MediaFrame.sampleCount(frame);
            if (count > wideOut.length) {
                wideOut = new short[count];
                narrowOut = new short[down.maxOutputLength(count)];
            }
            long timestamp = MediaFrame.timestamp(frame);
            if (expectedMediaTimestamp != Long.MIN_VALUE && timestamp != expectedMediaTimestamp) {
                long gap = timestamp - expectedMediaTimestamp;
                if (gap > 0 && gap < 60L * format.sampleRate()) {
                    // The agent was silent for a while (or lost frames): RTP time moves on as much.
                    rtpTimestampOut += gap * codec.rtpClockRate() / format.sampleRate();
                }
                markNext = true;
            }
            expectedMediaTimestamp = timestamp + count;
            Pcm16.decode(frame, MediaFrame.HEADER_BYTES, count * 2, wideOut, 0);
            int narrow = down.process(wideOut, 0, count, narrowOut, 0);
            if (narrow == 0) {
                return;
            }
            int room = packetOut.length - RtpPacket.HEADER_LENGTH;
            if (encoder.maxPayload(narrow) > room) {
                narrow = narrow * room / encoder.maxPayload(narrow); // over 80 ms in one frame: never from the bridge
            }
            RtpPacket.writeHeader(packetOut, 0, markNext, current.codecPayload(), sequenceOut & 0xFFFF,
                    rtpTimestampOut & 0xFFFF_FFFFL, ssrc);
            int payload = encoder.encode(narrowOut, 0, narrow, packetOut, RtpPacket.HEADER_LENGTH);
            markNext = false;
            sequenceOut++;
            rtpTimestampOut += (long) narrow * codec.rtpClockRate() / codec.sampleRate();
            sendBuffer.clear().limit(RtpPacket.HEADER_LENGTH + payload);
            try {
                if (rtp.send(sendBuffer, to) == 0) {
                    sendsDropped++; // the socket's send buffer is full: drop, never wait
                }
                else {
                    packetsSent++;
                }
            }
            catch (IOException e) {
                sendsDropped++; // closed under us (the call ended), or the peer's host is unreachable
            }
        }
    }

    /** The send chain for a codec (under {@link #outbound}): the call's rate down to the codec's, its encoder. */
    private void sendWith(AudioCodec codec) {
        OpusCodec.release(encoder);
        sendCodec = codec;
        encoder = codec.newEncoder();
        down = new Resampler(format.sampleRate(), codec.sampleRate());
        narrowOut = new short[down.maxOutputLength(wideOut.length)];
    }

    // --- the worker's side -----------------------------------------------------------------------

    /** Reads up to {@code max} datagrams that are waiting on {@code channel}. */
    void read(DatagramChannel channel, int max, long now) throws IOException {
        for (int i = 0; i < max && !closed; i++) {
            received.clear();
            SocketAddress from = channel.receive(received);
            if (from == null) {
                return;
            }
            datagrams++;
            applyPendingOffer();
            if (channel == rtcp || Rtcp.looksLikeRtcp(received.array(), 0, received.position())) {
                onControl((InetSocketAddress) from, received.position(), now);
            }
            else {
                onMedia((InetSocketAddress) from, received.position(), now);
            }
        }
    }

    private void onMedia(InetSocketAddress from, int length, long now) {
        byte[] data = received.array();
        packet.wrap(data, 0, length);
        if (!latch.accept(from, packet)) {
            return; // not the peer, malformed, or a payload type we did not agree on: counted by the latch
        }
        if (!from.equals(sendTo)) {
            sendTo = from;
        }
        if (bridge == null) {
            return; // before the answer: nothing to relay it to
        }
        // Counted even while held, so what was ignored on purpose is never reported as lost.
        RtpReceiverStats.Verdict verdict = stats.onPacket(packet.ssrc(), packet.sequenceNumber(), packet.timestamp(), now);
        int type = packet.payloadType();
        if (held || type == COMFORT_NOISE || verdict == RtpReceiverStats.Verdict.DUPLICATE
                || verdict == RtpReceiverStats.Verdict.JUMP_UNCONFIRMED) {
            return; // music on hold is not relayed or recorded; comfort noise is silence anyway
        }
        if (type == eventPayload) {
            events.offer(packet.timestamp(), data, packet.payloadOffset(), packet.payloadLength());
        }
        else if (type == audioPayload) {
            if (receiveCodec.byteAligned()) {
                jitter.offer(type, packet.timestamp(), data, packet.payloadOffset(), packet.payloadLength(), now);
            }
            else {
                offerDecoded(type, packet.timestamp(), data, packet.payloadOffset(), packet.payloadLength(), now);
            }
        }
    }

    /** Opus: decoded now (only its decoder knows a packet's frames), buffered as PCM at 48 kHz. */
    private void offerDecoded(int type, long timestamp, byte[] data, int offset, int length, long now) {
        int samples;
        try {
            samples = decoder.decode(data, offset, length, decodedPacket, 0);
        }
        catch (IllegalArgumentException e) {
            undecodable++; // a corrupt packet is a lost one
            return;
        }
        if (samples > 0) {
            Pcm16.encode(decodedPacket, 0, samples, decodedBytes, 0);
            jitter.offer(type, timestamp, decodedBytes, 0, 2 * samples, now);
        }
    }

    private void onControl(InetSocketAddress from, int length, long now) {
        if (!controlLatch.acceptControl(from) && !latch.acceptControl(from)) {
            return;
        }
        controlPeer = from;
        if (Rtcp.parse(received.array(), 0, length, control) == Rtcp.Problem.NONE && control.hasSenderReport()) {
            stats.onSenderReport(control.senderSsrc(), control.ntpMiddle(), now);
        }
    }

    /** One frame period on the server clock: one frame of this leg to the bridge. */
    void tick(long now) {
        applyPendingOffer();
        Bridge target = bridge;
        if (target == null) {
            return;
        }
        if (!started) {
            started = true;
            latch.callStarted();
            nextReport = now + REPORT_EVERY_NANOS;
        }
        long lostNow = stats.lost();
        if (lostNow != lost) {
            lost = lostNow;
            target.transportLoss(track, lostNow); // kept on the recording
        }
        receivedPackets = stats.received();
        // Held, the buffer still plays out what arrived before the hold (the last words before a
        // pause belong to the call); what arrives during it never enters the buffer (onMedia).
        JitterBuffer.Status status = jitter.tick(now, playout);
        pendingMillis = jitter.pendingMillis();
        if (held && status != JitterBuffer.Status.AUDIO && status != JitterBuffer.Status.IDLE) {
            heldSilentFrames++; // the buffer counts them lost or filled: the summary says they were a hold
        }
        if (status == JitterBuffer.Status.IDLE) {
            return; // nothing heard yet: the recorder writes this leg's silence by itself
        }
        if (status == JitterBuffer.Status.AUDIO) {
            if (receiveCodec.byteAligned()) {
                decoder.decode(playout.payload(), 0, playout.length(), codecIn, 0);
            }
            else {
                Pcm16.decode(playout.payload(), 0, playout.length(), codecIn, 0);
            }
            heardFrames++;
        }
        else {
            Arrays.fill(codecIn, (short) 0); // a lost or late frame, a fill, or hold: silence
        }
        int wide = up.process(codecIn, 0, codecIn.length, wideIn, 0);
        byte[] frame = new byte[MediaFrame.HEADER_BYTES + 2 * wide];
        Pcm16.encode(wideIn, 0, wide, frame, MediaFrame.HEADER_BYTES);
        MediaFrame.writeHeader(frame, frameSequence++, mediaTimestamp);
        mediaTimestamp += wide;
        target.receive(track, frame, now);
        if (now - nextReport >= 0) {
            sendReceiverReport(now);
            nextReport = now + REPORT_EVERY_NANOS;
        }
    }

    private void sendReceiverReport(long now) {
        InetSocketAddress peer = controlPeer;
        if (peer == null) {
            InetSocketAddress media = sendTo;
            if (media == null) {
                return;
            }
            peer = new InetSocketAddress(media.getAddress(), media.getPort() + 1); // RFC 3550: RTCP on port + 1
        }
        int length = Rtcp.writeReceiverReport(reportBytes, 0, ssrc, stats, now, cname, reportBlock);
        report.clear().limit(length);
        try {
            (rtcp != null ? rtcp : rtp).send(report, peer);
        }
        catch (IOException e) {
            // a report is advisory: the next one goes out in five seconds
        }
    }

    private void applyPendingOffer() {
        SdpOffer current = offer;
        if (current != appliedOffer) {
            apply(current);
        }
    }

    private void apply(SdpOffer current) {
        InetSocketAddress address = new InetSocketAddress(current.connectionAddress(), current.rtpPort());
        int[] types = current.telephoneEvent() >= 0 ? new int[] { current.codecPayload(), current.telephoneEvent(), COMFORT_NOISE }
                : new int[] { current.codecPayload(), COMFORT_NOISE };
        if (latch == null) {
            latch = new SymmetricRtp(address, types);
            controlLatch = new SymmetricRtp(new InetSocketAddress(address.getAddress(), address.getPort() + 1));
        }
        else if (!address.equals(appliedOffer == null ? null : addressOf(appliedOffer))) {
            // A new address (a transfer, a new NAT binding): wait for the peer again.
            latch.renegotiate(address);
            controlLatch.renegotiate(new InetSocketAddress(address.getAddress(), address.getPort() + 1));
            controlPeer = null;
            sendTo = address;
        }
        if (appliedOffer != null && current.codecPayload() != appliedOffer.codecPayload()) {
            latch = new SymmetricRtp(address, types);
            if (started) {
                latch.callStarted();
            }
        }
        audioPayload = current.codecPayload();
        eventPayload = current.telephoneEvent();
        if (current.codec().audio != receiveCodec) {
            receiveWith(current.codec().audio);
        }
        appliedOffer = current;
    }

    /**
     * The receive chain for a codec (the worker's thread): a jitter buffer on the codec's RTP clock
     * holding coded bytes (G.711, G.722) or decoded PCM (Opus), the decoder, and the resampler from
     * the codec's rate to the call's. A change of codec mid-call starts the buffer afresh.
     */
    private void receiveWith(AudioCodec codec) {
        OpusCodec.release(decoder);
        receiveCodec = codec;
        decoder = codec.newDecoder();
        jitter = JitterBuffer.forClock(codec.rtpClockRate(), codec.byteAligned() ? 1 : 2);
        playout = new JitterBuffer.Playout(jitter);
        up = new Resampler(codec.sampleRate(), format.sampleRate());
        codecIn = new short[codec.sampleRate() / 50];
        wideIn = new short[up.maxOutputLength(codecIn.length)];
        if (!codec.byteAligned() && decodedPacket == null) {
            decodedPacket = new short[OpusCodec.MAX_FRAME_SAMPLES];
            decodedBytes = new byte[2 * OpusCodec.MAX_FRAME_SAMPLES];
        }
    }

    private static InetSocketAddress addressOf(SdpOffer offer) {
        return new InetSocketAddress(offer.connectionAddress(), offer.rtpPort());
    }

    /**
     * A call's peer holds when it will not listen: {@code a=sendonly}, {@code a=inactive}, or the old
     * {@code c=0.0.0.0}. A recording client only ever sends: it pauses with {@code inactive}.
     */
    private boolean isHold(SdpOffer offer) {
        if (recordOnly) {
            return offer.direction() == SdpOffer.Direction.INACTIVE || offer.direction() == SdpOffer.Direction.RECVONLY
                    || "0.0.0.0".equals(offer.connectionAddress());
        }
        return offer.direction() == SdpOffer.Direction.SENDONLY || offer.direction() == SdpOffer.Direction.INACTIVE
                || "0.0.0.0".equals(offer.connectionAddress());
    }

    private static void closeQuietly(DatagramChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        }
        catch (IOException ignored) {
            // closing: nothing left to do
        }
    }

    // --- figures, for the call's record and for tests -------------------------------------------

    /** Packets the peer sent that never arrived (RFC 3550 A.3, reordering and duplicates excluded). */
    long packetsLost() {
        return lost;
    }

    long packetsReceived() {
        return receivedPackets;
    }

    long framesHeard() {
        return heardFrames;
    }

    long datagrams() {
        return datagrams;
    }

    long packetsSent() {
        synchronized (outbound) {
            return packetsSent;
        }
    }

    /** One line of figures for the log when the leg ends (read racily from another thread: for people). */
    String summary() {
        return "port " + localPort + ": " + stats.received() + " packets received, " + stats.lost() + " lost, "
                + stats.duplicates() + " duplicated, " + jitter.latePackets() + " too late; " + jitter.audioFrames()
                + " frames played, " + jitter.lostFrames() + " lost, " + jitter.fillFrames() + " filled ("
                + heldSilentFrames + " of these while held), "
                + jitter.skippedFrames() + " skipped, " + jitter.resyncs() + " resyncs, depth " + jitter.depthMillis()
                + " ms; " + latch.ignoredPackets() + " from elsewhere ignored"
                + (undecodable > 0 ? ", " + undecodable + " undecodable" : "") + " (" + receiveCodec + ")";
    }

    long packetsIgnored() {
        return latch.ignoredPackets();
    }
}
