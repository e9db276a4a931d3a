package org.callvault.transport.sip.siprec;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.callvault.transport.sip.siprec.SdpStreams.Direction;
import org.callvault.transport.sip.siprec.SdpStreams.Encoding;
import org.callvault.transport.sip.siprec.SdpStreams.Format;
import org.callvault.transport.sip.siprec.SdpStreams.MediaStream;

/**
 * The SDP answer of a recording server (RFC 7866 §8.1.1, RFC 3264 §6): one m-line per offered one,
 * in order; each stream we record is {@code recvonly} (or {@code inactive} when offered inactive,
 * as AudioCodes starts, or offered recvonly) on its own local port, keeps its {@code a=label}, and
 * carries one codec plus telephone-event at the codec's clock when offered. A stream we cannot
 * record (disabled, not RTP/AVP(F) audio, no codec we decode, no port from the caller) is refused
 * with port 0 and the offer's first format. The answer is plain {@code application/sdp}: some SBCs
 * reject a multipart 200 OK.
 *
 * @param sdp     the answer body
 * @param choices per offered m-line, in order, what was answered
 */
public record SiprecAnswer(String sdp, List<Choice> choices) {

    /** Encodings answered by default, best first by {@link Encoding} tier (G.711, G.722, Opus). */
    public static final Set<Encoding> RECORDABLE = EnumSet.of(Encoding.PCMU, Encoding.PCMA, Encoding.G722,
            Encoding.OPUS);

    public SiprecAnswer {
        choices = List.copyOf(choices);
    }

    /**
     * What the answer says of one offered m-line.
     *
     * @param index          the m-line's position
     * @param label          its {@code a=label}, or null
     * @param codec          the payload we receive, or null when the stream is refused
     * @param telephoneEvent the telephone-event payload answered with it, or null
     * @param direction      what we answered ({@code recvonly} or {@code inactive}), null when refused
     * @param localPort      our RTP port for it, 0 when refused
     * @param refusal        why it was refused, or null
     */
    public record Choice(int index, String label, Format codec, Format telephoneEvent, Direction direction,
            int localPort, String refusal) {

        public boolean accepted() {
            return codec != null;
        }
    }

    /** {@link #build(SdpStreams, String, List, long, int, Set)} with every {@link #RECORDABLE} encoding. */
    public static SiprecAnswer build(SdpStreams offer, String address, List<Integer> localPorts, long sessionId,
            int version) throws SiprecException {
        return build(offer, address, localPorts, sessionId, version, RECORDABLE);
    }

    /**
     * Builds the answer.
     *
     * @param address    our RTP address (IPv4 or IPv6)
     * @param localPorts one local port per offered m-line, in order (0: refuse that stream)
     * @param sessionId  the o= session id; {@code version} goes up with each answer in the dialog
     * @param accepted   encodings the caller can record (a subset of {@link #RECORDABLE})
     * @throws SiprecException 488 when no stream can be recorded
     * @throws IllegalArgumentException when {@code localPorts} does not have one port per m-line
     */
    public static SiprecAnswer build(SdpStreams offer, String address, List<Integer> localPorts, long sessionId,
            int version, Set<Encoding> accepted) throws SiprecException {
        if (localPorts.size() != offer.streams().size()) {
            throw new IllegalArgumentException(localPorts.size() + " local ports for " + offer.streams().size()
                    + " offered streams");
        }
        String ipVersion = address.contains(":") ? "IP6" : "IP4";
        StringBuilder sdp = new StringBuilder(160 + 160 * localPorts.size())
                .append("v=0\r\n")
                .append("o=CallVault ").append(sessionId).append(' ').append(version).append(" IN ").append(ipVersion)
                .append(' ').append(address).append("\r\n")
                .append("s=CallVault SIPREC\r\n")
                .append("c=IN ").append(ipVersion).append(' ').append(address).append("\r\n")
                .append("t=0 0\r\n");
        List<Choice> choices = new ArrayList<>(localPorts.size());
        List<String> refusals = new ArrayList<>();
        for (MediaStream stream : offer.streams()) {
            int localPort = localPorts.get(stream.index());
            String refusal = refusal(stream, localPort);
            Format codec = refusal == null ? codec(stream, accepted) : null;
            if (refusal == null && codec == null) {
                refusal = "no codec we record among " + encodings(stream);
            }
            if (refusal != null) {
                choices.add(new Choice(stream.index(), stream.label(), null, null, null, 0, refusal));
                refusals.add("m-line " + (stream.index() + 1) + ": " + refusal);
                // Refused stream: same media and protocol, port 0, one of the offer's formats (RFC 3264 §6).
                sdp.append("m=").append(stream.media()).append(" 0 ").append(stream.protocol()).append(' ')
                        .append(stream.formats().split(" +")[0]).append("\r\n");
                appendLabel(sdp, stream);
                continue;
            }
            Format event = stream.telephoneEvent(codec.clockRate()).orElse(null);
            Direction direction = stream.direction() == Direction.INACTIVE || stream.direction() == Direction.RECVONLY
                    ? Direction.INACTIVE : Direction.RECVONLY;
            choices.add(new Choice(stream.index(), stream.label(), codec, event, direction, localPort, null));
            sdp.append("m=audio ").append(localPort).append(' ').append(stream.protocol()).append(' ')
                    .append(codec.payload());
            if (event != null) {
                sdp.append(' ').append(event.payload());
            }
            sdp.append("\r\na=rtpmap:").append(codec.payload()).append(' ').append(codec.rtpmap()).append("\r\n");
            if (codec.fmtp() != null && codec.encoding() == Encoding.OPUS) {
                // Opus parameters describe what the sender may use; echoing them keeps its choices.
                sdp.append("a=fmtp:").append(codec.payload()).append(' ').append(codec.fmtp()).append("\r\n");
            }
            if (event != null) {
                sdp.append("a=rtpmap:").append(event.payload()).append(' ').append(event.rtpmap()).append("\r\n")
                        .append("a=fmtp:").append(event.payload()).append(' ')
                        .append(event.fmtp() != null && !event.fmtp().isBlank() ? event.fmtp() : "0-15").append("\r\n");
            }
            if (stream.ptimeMillis() > 0) {
                sdp.append("a=ptime:").append(stream.ptimeMillis()).append("\r\n");
            }
            appendLabel(sdp, stream);
            sdp.append("a=").append(direction.attribute()).append("\r\n");
        }
        if (choices.stream().noneMatch(Choice::accepted)) {
            throw new SiprecException(488, "No stream can be recorded (" + String.join("; ", refusals) + ")");
        }
        return new SiprecAnswer(sdp.toString(), choices);
    }

    private static String refusal(MediaStream stream, int localPort) {
        if (!stream.isAudio()) {
            return stream.media() + " is not recorded";
        }
        if (stream.port() == 0) {
            return "disabled in the offer (port 0)";
        }
        String protocol = stream.protocol().toUpperCase(Locale.ROOT);
        if (!protocol.equals("RTP/AVP") && !protocol.equals("RTP/AVPF")) {
            return stream.protocol() + " is not supported; offer RTP/AVP";
        }
        if (localPort <= 0) {
            return "no local port";
        }
        return null;
    }

    /**
     * The best tier's first payload in offer order (RFC 3264: respect the offerer's preference):
     * what the answer names for a stream, so its leg must decode the same.
     */
    public static Format codec(MediaStream stream, Set<Encoding> accepted) {
        Format best = null;
        for (Format format : stream.payloads()) {
            boolean usable = format.encoding().recordable() && accepted.contains(format.encoding())
                    && format.channels() <= 2;
            if (usable && (best == null || format.encoding().tier() < best.encoding().tier())) {
                best = format;
            }
        }
        return best;
    }

    private static String encodings(MediaStream stream) {
        List<String> names = new ArrayList<>();
        stream.payloads().forEach(f -> names.add(f.name()));
        return names.isEmpty() ? stream.formats() : String.join(",", names);
    }

    private static void appendLabel(StringBuilder sdp, MediaStream stream) {
        if (stream.label() != null) {
            sdp.append("a=label:").append(stream.label()).append("\r\n");
        }
    }
}
