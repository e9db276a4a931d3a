package org.callvault.transport.sip.rtp;

import java.net.InetSocketAddress;

/**
 * The symmetric-RTP latch (RFC 4961 practice, for peers behind NAT): which source address is the
 * peer, and therefore where to send.
 *
 * <p>Until it latches, the latch takes the first valid RTP packet of a negotiated payload type
 * that comes either from the address in the peer's SDP, or, once the call has started, from any
 * address (a peer behind NAT cannot know its public address), provided its SSRC is the expected one
 * when one is known. From then on only that source is the peer; packets from anywhere else are
 * ignored and counted, so a stranger cannot inject audio or steer the outgoing stream. A new offer
 * (re-INVITE) {@linkplain #renegotiate unlatches}.
 */
public final class SymmetricRtp {

    private InetSocketAddress negotiated;
    private final long[] payloadTypes = new long[2];
    private boolean ssrcKnown;
    private int expectedSsrc;
    private boolean callStarted;
    private InetSocketAddress latched;
    private long ignored;

    /**
     * @param negotiated   the address from the peer's SDP ({@code c=} and {@code m=}), or null
     * @param payloadTypes the payload types negotiated for the stream (audio and telephone-event)
     */
    public SymmetricRtp(InetSocketAddress negotiated, int... payloadTypes) {
        this.negotiated = negotiated;
        for (int type : payloadTypes) {
            if (type < 0 || type > 127) {
                throw new IllegalArgumentException("payload type must be 0..127: " + type);
            }
            this.payloadTypes[type >>> 6] |= 1L << (type & 63);
        }
    }

    /** The peer's SSRC, when signaling told it (SDP {@code a=ssrc}): only it may latch from elsewhere. */
    public void expectSsrc(int ssrc) {
        ssrcKnown = true;
        expectedSsrc = ssrc;
    }

    /** The call is set up (answered): from now on the NAT rule may latch another source. */
    public void callStarted() {
        callStarted = true;
    }

    /**
     * True when {@code packet} (after {@link RtpPacket#wrap}) from {@code source} is the peer's and
     * should be used; false when it is ignored (and counted).
     */
    public boolean accept(InetSocketAddress source, RtpPacket packet) {
        if (latched != null) {
            if (latched.equals(source)) {
                return true;
            }
            ignored++;
            return false;
        }
        boolean valid = source != null && packet.problem() == RtpPacket.Problem.NONE && negotiatedType(packet.payloadType());
        if (valid && (source.equals(negotiated) || (callStarted && (!ssrcKnown || packet.ssrc() == expectedSsrc)))) {
            latched = source;
            return true;
        }
        ignored++;
        return false;
    }

    /** True when an RTCP packet from {@code source} comes from the peer (latched, else the negotiated address). */
    public boolean acceptControl(InetSocketAddress source) {
        InetSocketAddress peer = latched != null ? latched : negotiated;
        if (peer != null && peer.equals(source)) {
            return true;
        }
        ignored++;
        return false;
    }

    /** A new offer named {@code address}: forget the latch and wait for the peer again. */
    public void renegotiate(InetSocketAddress address) {
        negotiated = address;
        latched = null;
    }

    /** Where to send: the latched source, else the negotiated address (null if neither is known). */
    public InetSocketAddress remote() {
        return latched != null ? latched : negotiated;
    }

    public boolean latched() {
        return latched != null;
    }

    public long ignoredPackets() {
        return ignored;
    }

    private boolean negotiatedType(int type) {
        return (payloadTypes[type >>> 6] & (1L << (type & 63))) != 0;
    }
}
