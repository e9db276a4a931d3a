package org.callvault.transport.sip;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.DatagramChannel;

import org.callvault.media.AudioFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens and closes the media legs of SIP calls: a port pair from the range ({@link RtpPorts}),
 * both sockets bound before the port is announced in an SDP answer, and the leg handed to an
 * {@link RtpEngine} worker. A port that another program holds is skipped, not announced.
 */
final class RtpSessions {

    private static final Logger log = LoggerFactory.getLogger(RtpSessions.class);
    /** Ports tried per call before it is refused: a few may be held by other programs. */
    private static final int BIND_ATTEMPTS = 8;

    private final RtpPorts ports;
    private final InetAddress bind;
    private final RtpEngine engine;
    private final AudioFormat format;
    private final String cname;

    RtpSessions(RtpPorts ports, InetAddress bind, RtpEngine engine, AudioFormat format, String cname) {
        this.ports = ports;
        this.bind = bind;
        this.engine = engine;
        this.format = format;
        this.cname = cname;
    }

    /** A leg listening on a free port pair, or null when the range is used up. */
    SipMediaLeg open(SdpOffer offer) {
        return open(offer, false);
    }

    /** As {@link #open(SdpOffer)}; {@code recordOnly} for a stream of a recording session (SIPREC). */
    SipMediaLeg open(SdpOffer offer, boolean recordOnly) {
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            int port = ports.allocate();
            if (port < 0) {
                return null;
            }
            DatagramChannel rtp = null;
            try {
                rtp = RtpEngine.bind(bind, port);
                DatagramChannel rtcp = RtpEngine.bind(bind, port + 1);
                SipMediaLeg leg = new SipMediaLeg(rtp, rtcp, port, offer, format, cname, recordOnly);
                engine.add(leg);
                return leg;
            }
            catch (IOException e) {
                log.warn("RTP port {} or {} is held by another program ({}); trying another", port, port + 1,
                        e.getMessage());
                close(rtp);
                ports.release(port);
            }
        }
        return null;
    }

    /** Closes the leg's sockets, then frees its ports. */
    void close(SipMediaLeg leg) {
        leg.close();
        log.info("RTP leg {}", leg.summary());
        ports.release(leg.localPort());
    }

    int inUse() {
        return ports.inUse();
    }

    int capacity() {
        return ports.capacity();
    }

    private static void close(DatagramChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            }
            catch (IOException ignored) {
                // it never worked
            }
        }
    }
}
