package org.callvault.transport.sip;

/**
 * Builds the SDP answer to an {@link SdpOffer} (RFC 3264 §6): one payload (the G.711 law or G.722 the offer
 * preferred, under the offer's payload number), telephone-event when offered, our RTP address and
 * port, 20 ms packets, the mirrored direction; {@code version} goes up with each new answer in a dialog; every other {@code m=} line refused with port 0.
 */
final class SdpAnswer {

    private SdpAnswer() {
    }

    static String build(SdpOffer offer, String address, int rtpPort, long sessionId, int version) {
        String ipVersion = address.contains(":") ? "IP6" : "IP4";
        StringBuilder sdp = new StringBuilder(256)
                .append("v=0\r\n")
                .append("o=CallVault ").append(sessionId).append(' ').append(version).append(" IN ").append(ipVersion)
                .append(' ').append(address).append("\r\n")
                .append("s=CallVault\r\n")
                .append("c=IN ").append(ipVersion).append(' ').append(address).append("\r\n")
                .append("t=0 0\r\n");
        for (int i = 0; i < offer.mediaLines().size(); i++) {
            SdpOffer.MediaLine line = offer.mediaLines().get(i);
            if (i != offer.audioIndex()) {
                // Refused stream: same media and protocol, port 0, the offer's first format (RFC 3264 §6).
                sdp.append("m=").append(line.media()).append(" 0 ").append(line.protocol()).append(' ')
                        .append(line.formats().split(" ")[0]).append("\r\n");
                continue;
            }
            int payload = payloadOf(offer);
            sdp.append("m=audio ").append(rtpPort).append(" RTP/AVP ").append(payload);
            if (offer.telephoneEvent() >= 0) {
                sdp.append(' ').append(offer.telephoneEvent());
            }
            sdp.append("\r\n")
                    .append("a=rtpmap:").append(payload).append(' ').append(offer.codec().audio.rtpmap()).append("\r\n");
            if (offer.telephoneEvent() >= 0) {
                sdp.append("a=rtpmap:").append(offer.telephoneEvent()).append(" telephone-event/8000\r\n")
                        .append("a=fmtp:").append(offer.telephoneEvent()).append(" 0-15\r\n");
            }
            sdp.append("a=ptime:20\r\n")
                    .append('a').append('=').append(offer.direction().answer().attribute()).append("\r\n");
        }
        return sdp.toString();
    }

    /** The payload number the offer used for its preferred law (static 0/8, or a dynamic rtpmap). */
    private static int payloadOf(SdpOffer offer) {
        return offer.codecPayload();
    }
}
