package org.callvault.loadtool;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The caller of a SIP slot's call: a user agent client over UDP (RFC 3261) with a PCMU stream
 * (RFC 3550), as a desk phone or a trunk would call CallVault. One signalling and one RTP socket of
 * its own, both served by the call's event loop (so, like the WebSocket legs, no locks and no
 * thread per call); its RTP is paced by the loop's {@link Pacer}.
 *
 * <p>Signalling: INVITE with an SDP offer (PCMU 0, telephone-event 101, 20 ms), retransmitted on
 * Timer A (500 ms doubling) until a response and given up after Timer B (32 s); provisional
 * responses, 200 (ACKed, again for each retransmitted 200), final errors (ACKed in the INVITE's
 * transaction); BYE at the end, retransmitted (Timer E, capped at 4 s) until its final response;
 * CANCEL when the call ends before it is answered; a BYE from CallVault is answered 200.
 * Responses are matched by Call-ID, CSeq number and method.
 *
 * <p>Media: from the 200 on, one packet per 20 ms of the caller's tone in PCMU. What CallVault sends
 * is counted by RTP sequence (received, gaps, duplicates) and each packet is checked for the
 * agent's tone (Goertzel), so a packet of silence (the agent's frame lost in the server) is seen.
 */
final class SipPhone implements Pacer.Paced {

    enum State { BINDING, CALLING, PROCEEDING, CONFIRMED, CANCELLING, TERMINATING, ENDED }

    static final int RATE = 8000;
    static final int SAMPLES = 160;
    static final long FRAME_NANOS = 20_000_000L;
    static final long T1_NANOS = 500_000_000L;
    static final long T2_NANOS = 4_000_000_000L;
    static final long TIMEOUT_NANOS = 64 * T1_NANOS;
    /** A packet holds the agent's tone when this share of its energy is at the tone's frequency. */
    static final double TONE_SHARE = 0.5;
    /** And is louder than this (mean square; the tone's amplitude is 8000, so about 3.2e7). */
    static final double MIN_MEAN_SQUARE = 1e6;

    private final Run run;
    private final LoopState ls;
    final Attempt attempt;
    private final InetSocketAddress server;
    private final String localHost;
    private final RtpStream stream;
    private final double agentCoeff;
    private final short[] decoded = new short[SAMPLES * 4];
    private final byte[] packetScratch = new byte[RtpStream.PACKET_BYTES];

    State state = State.BINDING;
    private Channel sip;
    private Channel rtp;
    private int bound;
    SipMessage.Call call;
    private String inviteBranch;
    private String inviteText;
    private String toTag;
    private String remoteTarget;
    private String ackText;
    private String byeText;
    private InetSocketAddress remoteRtp;
    private boolean endWanted;

    // signalling figures
    long inviteNanos;
    long firstResponseNanos;
    long ringingNanos;
    long okNanos;
    long byeNanos;
    long endedNanos;
    int finalStatus;
    int retransmissions;
    boolean byeFromServer;
    boolean closed;

    // sending
    boolean pacing;
    private long startNanos;
    long sent;
    long steadySent;
    /**
     * Packets this tool sent more than {@link #LATE_NANOS} behind their due time: a jitter buffer
     * may rightly play them as lost, so loss next to them is the tool's, not the server's.
     */
    long sentLate;
    static final long LATE_NANOS = 20_000_000L;
    /** Longest delay of a packet behind its due time, steady window (the tool's lateness, not the server's). */
    long sendLagMaxSteadyNs;

    // receiving
    final SeqTracker rx = new SeqTracker();
    private final Rtp.SequenceExtender extender = new Rtp.SequenceExtender();
    long steadyReceived;
    long toneOk;
    long notTone;
    /** Datagrams on the RTP socket that are not PCMU from CallVault's RTP address (RTCP, strays). */
    long foreign;
    long junkSip;

    SipPhone(Run run, LoopState ls, Attempt attempt, InetSocketAddress server, String localHost) {
        this.run = run;
        this.ls = ls;
        this.attempt = attempt;
        this.server = server;
        this.localHost = localHost;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        this.stream = new RtpStream(attempt.callerFrequency, rnd.nextInt(), rnd.nextInt(1 << 16), rnd.nextInt());
        this.agentCoeff = Goertzel.coefficient(attempt.agentFrequency, RATE);
    }

    /** Binds both sockets, then sends the INVITE. */
    void start() {
        sip = bind(new Handler(true));
        rtp = bind(new Handler(false));
    }

    private Channel bind(Handler h) {
        ChannelFuture f = run.client.bindUdp(ls.loop, localHost, h);
        f.addListener(x -> {
            if (!x.isSuccess()) {
                run.count("sip.bind_failed");
                fail("cannot bind a UDP socket: " + x.cause());
                end();
                return;
            }
            if (++bound == 2) {
                sendInvite();
            }
        });
        return f.channel();
    }

    private void sendInvite() {
        if (state != State.BINDING) {
            return;
        }
        if (endWanted) {
            end();
            return;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        InetSocketAddress local = (InetSocketAddress) sip.localAddress();
        InetSocketAddress media = (InetSocketAddress) rtp.localAddress();
        String number = "+1555" + String.format("%07d", attempt.slot.index);
        call = new SipMessage.Call(localHost, local.getPort(), server.getHostString(), server.getPort(),
                SipMessage.token(rnd) + "@loadtool", SipMessage.token(rnd), attempt.slot.tag, number,
                media.getPort(), rnd.nextLong() & 0xFFFF_FFFFL);
        inviteBranch = SipMessage.branch(rnd);
        inviteText = call.invite(inviteBranch);
        state = State.CALLING;
        inviteNanos = System.nanoTime();
        send(inviteText);
        retransmitInvite(T1_NANOS);
        ls.loop.schedule(() -> {
            // Timer B; a ringing call is bounded by the slot's answer timeout instead
            if (state == State.CALLING) {
                fail("no response to the INVITE within 32 s");
                end();
            }
        }, TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
    }

    /** Timer A: until the first response, doubling from T1. */
    private void retransmitInvite(long interval) {
        ls.loop.schedule(() -> {
            if (state == State.CALLING) {
                retransmissions++;
                run.count("sip.invite_retransmitted");
                send(inviteText);
                retransmitInvite(interval * 2);
            }
        }, interval, TimeUnit.NANOSECONDS);
    }

    // ------------------------------------------------------------------ signalling in

    private void onSip(byte[] data, int len, InetSocketAddress from) {
        SipMessage m = SipMessage.parse(data, 0, len);
        if (m == null || call == null) {
            junkSip++;
            run.count("sip.unparsable_message");
            return;
        }
        if (!call.callId().equals(m.callId())) {
            run.count("sip.message_for_another_call");
            if (!m.response && !"ACK".equals(m.method)) {
                send(SipMessage.response(m, 481, "Call/Transaction Does Not Exist"), from);
            }
            return;
        }
        if (m.response) {
            onResponse(m, from);
        } else {
            onRequest(m, from);
        }
    }

    private void onResponse(SipMessage m, InetSocketAddress from) {
        long now = System.nanoTime();
        String method = m.cseqMethod();
        if (firstResponseNanos == 0) {
            firstResponseNanos = now;
        }
        if ("INVITE".equals(method) && m.cseq() == 1) {
            if (m.status < 200) {
                if (state == State.CALLING) {
                    state = State.PROCEEDING;
                }
                if ((m.status == 180 || m.status == 183) && ringingNanos == 0) {
                    ringingNanos = now;
                    attempt.slot.onSipRinging(attempt);
                }
            } else if (m.status < 300) {
                onOk(m, from, now);
            } else {
                // a final error: ACKed in the INVITE's transaction (each retransmission again)
                send(call.ack(inviteBranch, call.requestUri(), m.toTag()), from);
                if (finalStatus == 0) {
                    finalStatus = m.status;
                    if (state == State.CANCELLING && m.status == 487) {
                        end(); // our CANCEL worked
                    } else if (state != State.ENDED) {
                        fail("INVITE answered " + m.status);
                        end();
                    }
                }
            }
        } else if ("BYE".equals(method) && m.cseq() == 2 && m.status >= 200) {
            if (state == State.TERMINATING) {
                if (m.status >= 300) {
                    fail("BYE answered " + m.status);
                }
                end();
            }
        } else if (!"CANCEL".equals(method)) {
            run.count("sip.unmatched_response." + method + "." + m.status);
        }
    }

    private void onOk(SipMessage m, InetSocketAddress from, long now) {
        if (okNanos != 0) {
            if (ackText != null) {
                send(ackText, from); // a retransmitted 200: our ACK was lost
            }
            return;
        }
        okNanos = now;
        finalStatus = m.status;
        toTag = m.toTag();
        remoteTarget = m.contactUri() != null ? m.contactUri() : call.requestUri();
        ackText = call.ack(SipMessage.branch(ThreadLocalRandom.current()), remoteTarget, toTag);
        send(ackText, from);
        SipMessage.Sdp sdp = SipMessage.Sdp.parse(m.body);
        boolean wasCancelling = state == State.CANCELLING;
        state = State.CONFIRMED;
        if (sdp == null || !sdp.payloads().contains(Rtp.PCMU)) {
            fail("200 without a usable SDP answer (PCMU): " + (m.body.length() > 200 ? m.body.substring(0, 200) : m.body));
            bye();
            return;
        }
        remoteRtp = new InetSocketAddress(sdp.address(), sdp.port());
        if (wasCancelling || endWanted) {
            bye(); // the answer crossed our CANCEL, or the call was to end already
            return;
        }
        startNanos = ls.pacer.nextTick(now);
        pacing = true;
        ls.pacer.add(this);
        attempt.slot.onSipAnswered(attempt);
    }

    private void onRequest(SipMessage m, InetSocketAddress from) {
        switch (m.method) {
            case "BYE" -> {
                send(SipMessage.response(m, 200, "OK"), from);
                if (state != State.ENDED) {
                    byeFromServer = true;
                    byeNanos = System.nanoTime();
                    pacing = false;
                    end();
                    attempt.slot.onSipByeFromServer(attempt);
                }
            }
            case "ACK" -> {
            }
            case "OPTIONS" -> send(SipMessage.response(m, 200, "OK"), from);
            default -> {
                run.count("sip.request_not_implemented." + m.method);
                send(SipMessage.response(m, 501, "Not Implemented"), from);
            }
        }
    }

    // ------------------------------------------------------------------ ending

    /**
     * Ends the call from this side: BYE when answered, CANCEL while it rings, nothing to do before the
     * INVITE. Each is retransmitted until its final response, bounded by 32 s.
     */
    void hangUp() {
        endWanted = true;
        pacing = false;
        switch (state) {
            case BINDING -> {
                if (bound == 2) {
                    end();
                }
            }
            case CALLING, PROCEEDING -> {
                state = State.CANCELLING;
                send(call.cancel(inviteBranch));
                retransmit(call.cancel(inviteBranch), State.CANCELLING, T1_NANOS, System.nanoTime());
            }
            case CONFIRMED -> bye();
            default -> {
            }
        }
    }

    private void bye() {
        if (state == State.TERMINATING || state == State.ENDED) {
            return;
        }
        pacing = false;
        state = State.TERMINATING;
        byeNanos = System.nanoTime();
        byeText = call.bye(SipMessage.branch(ThreadLocalRandom.current()), remoteTarget, toTag, 2);
        send(byeText);
        retransmit(byeText, State.TERMINATING, T1_NANOS, byeNanos);
    }

    /** Timer E (non-INVITE requests over UDP): T1 doubling up to T2 while in {@code while}, Timer F ends it. */
    private void retransmit(String text, State whileIn, long interval, long since) {
        ls.loop.schedule(() -> {
            if (state != whileIn) {
                return;
            }
            if (System.nanoTime() - since >= TIMEOUT_NANOS) {
                fail("no final response to " + text.substring(0, text.indexOf(' ')) + " within 32 s");
                end();
                return;
            }
            retransmissions++;
            run.count("sip.request_retransmitted");
            send(text);
            retransmit(text, whileIn, Math.min(interval * 2, T2_NANOS), since);
        }, interval, TimeUnit.NANOSECONDS);
    }

    private void end() {
        if (state == State.ENDED) {
            return;
        }
        state = State.ENDED;
        pacing = false;
        closed = true;
        endedNanos = System.nanoTime();
        attempt.slot.onSipGone(attempt);
    }

    private void fail(String why) {
        attempt.fail("sip: " + why);
    }

    /** Jumps in CallVault's RTP sequence (the first packet is not one, whatever its number). */
    long rtpGaps() {
        return rx.gaps() - (rx.first() > 0 ? 1 : 0);
    }

    long rtpMissing() {
        return rx.missing() - Math.max(0, rx.first());
    }

    /** Closes both sockets once the call is over (the counters stay). */
    void release() {
        pacing = false;
        if (sip != null) {
            sip.close();
        }
        if (rtp != null) {
            rtp.close();
        }
        rx.release();
    }

    // ------------------------------------------------------------------ media

    @Override
    public boolean pacing() {
        return pacing;
    }

    @Override
    public void sendDue(long now, long earlyNanos) {
        long elapsed = now - startNanos + earlyNanos;
        if (elapsed < 0) {
            return;
        }
        long n = Math.min(elapsed / FRAME_NANOS + 1 - sent, Pacer.MAX_CATCH_UP);
        if (n <= 0) {
            return;
        }
        if (rtp == null || !rtp.isActive() || remoteRtp == null) {
            pacing = false;
            return;
        }
        boolean steadyKnown = run.steadyStart != Long.MAX_VALUE;
        for (long k = 0; k < n; k++) {
            ByteBuf b = rtp.alloc().directBuffer(RtpStream.PACKET_BYTES);
            stream.write(packetScratch, 0, sent);
            b.writeBytes(packetScratch);
            rtp.write(new DatagramPacket(b, remoteRtp));
            long t = System.nanoTime();
            long lag = t - (startNanos + sent * FRAME_NANOS);
            if (lag > LATE_NANOS) {
                sentLate++;
            }
            if (steadyKnown && run.inSteady(t)) {
                steadySent++;
                if (lag > sendLagMaxSteadyNs) {
                    sendLagMaxSteadyNs = lag;
                }
            }
            sent++;
        }
        rtp.flush();
    }

    private void onRtp(byte[] data, int len, InetSocketAddress from, long now) {
        int off = Rtp.payloadOffset(data, len, Rtp.PCMU);
        // By port: CallVault may announce another of its addresses than the one it sends from.
        if (off < 0 || remoteRtp == null || from.getPort() != remoteRtp.getPort()) {
            foreign++;
            return;
        }
        long seq = extender.extend(Rtp.sequence(data));
        SeqTracker.Result r = rx.receive(seq);
        if (r == SeqTracker.Result.DUPLICATE || r == SeqTracker.Result.TOO_OLD) {
            return;
        }
        boolean steady = run.inSteady(now);
        if (steady) {
            steadyReceived++;
        }
        int n = Math.min(Rtp.payloadLength(data, len, off), decoded.length);
        for (int i = 0; i < n; i++) {
            decoded[i] = Ulaw.decode(data[off + i]);
        }
        if (Goertzel.meanSquare(decoded, 0, 1, n) >= MIN_MEAN_SQUARE
                && Goertzel.blockRelative(decoded, 0, 1, n, agentCoeff) >= TONE_SHARE) {
            toneOk++;
        } else {
            notTone++;
        }
        // CallVault sends one packet per agent frame, in order: packet k is the agent's frame k
        MediaLeg agent = attempt.agent;
        long k = seq - rx.first();
        if (agent != null && k >= 0) {
            long at = agent.sendNanosOf(k);
            if (at != 0) {
                ls.recordSipDelay(now, now - at, steady);
            }
        }
    }

    private void send(String text) {
        send(text, server);
    }

    private void send(String text, InetSocketAddress to) {
        if (sip == null || !sip.isActive()) {
            return;
        }
        sip.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)), to));
    }

    /** Both sockets' reader: runs on the call's loop. */
    private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final boolean signalling;
        private final byte[] buf = new byte[2048];

        Handler(boolean signalling) {
            this.signalling = signalling;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
            long now = System.nanoTime();
            ByteBuf c = p.content();
            int len = c.readableBytes();
            if (signalling) {
                byte[] data = len <= buf.length ? buf : new byte[Math.min(len, SipMessage.MAX_BYTES)];
                len = Math.min(len, data.length);
                c.getBytes(c.readerIndex(), data, 0, len);
                onSip(data, len, p.sender());
            } else {
                if (len > buf.length) {
                    foreign++;
                    return;
                }
                c.getBytes(c.readerIndex(), buf, 0, len);
                onRtp(buf, len, p.sender(), now);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable and the like: counted, never fatal for the call
            run.count("sip.socket_error." + cause.getClass().getSimpleName());
        }
    }
}
