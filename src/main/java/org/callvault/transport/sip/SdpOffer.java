package org.callvault.transport.sip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.callvault.media.codec.AudioCodec;

/**
 * The parts of an SDP offer (RFC 4566, RFC 3264) an audio endpoint needs: where the peer wants
 * RTP ({@code c=}, the first {@code m=audio}), which payload it prefers (G.711 or G.722), whether it offers
 * RFC 4733 telephone-events, its ptime and direction. Hand-written: the grammar used here is a
 * few line types, and the RI's SDP classes (javax.sdp) accept far more than we answer.
 *
 * @param mediaLines every {@code m=} line in order (the answer must carry as many, RFC 3264 §6)
 * @param audioIndex which of them is the audio stream we answer
 * @param codec      payload we answer with: PCMU, PCMA or G722, the first of them in the offer's order
 * @param codecPayload the payload number the offer gave that codec (0, 8, or a dynamic one)
 * @param telephoneEvent payload type of telephone-event/8000, or -1 when not offered
 */
record SdpOffer(String connectionAddress, int rtpPort, List<MediaLine> mediaLines, int audioIndex, Codec codec,
        int codecPayload, int telephoneEvent, int ptimeMillis, Direction direction) {

    /** Above this an offer is not an audio call's SDP (a real one is a few hundred bytes). */
    static final int MAX_BYTES = 16 * 1024;

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.0-9A-Z^_`a-z{|}~]+");
    /** A transport protocol: tokens joined by "/" (RTP/AVP, RTP/SAVPF, UDP/TLS/RTP/SAVPF). */
    private static final Pattern PROTOCOL = Pattern.compile("[!#$%&'*+\\-.0-9A-Z^_`a-z{|}~]+(/[!#$%&'*+\\-.0-9A-Z^_`a-z{|}~]+)*");

    /**
     * The codecs CallVault answers a call with (G.711's two laws, G.722), and Opus, which only a
     * recording session's stream is given ({@link SiprecSession}).
     */
    enum Codec {
        PCMU(0, AudioCodec.PCMU), PCMA(8, AudioCodec.PCMA), G722(9, AudioCodec.G722), OPUS(-1, AudioCodec.OPUS);

        final int staticPayload;
        final AudioCodec audio;

        Codec(int staticPayload, AudioCodec audio) {
            this.staticPayload = staticPayload;
            this.audio = audio;
        }

        /** A call's codec from an rtpmap ({@code G722/8000}) or, without one, a static payload type. */
        static Codec offered(int payload, String rtpmap) {
            if (rtpmap == null) {
                return payload == 0 ? PCMU : payload == 8 ? PCMA : payload == 9 ? G722 : null;
            }
            String encoding = rtpmap.toUpperCase(Locale.ROOT);
            for (Codec codec : new Codec[] { PCMU, PCMA, G722 }) {
                String name = codec.audio.rtpmap().toUpperCase(Locale.ROOT);
                if (encoding.equals(name) || encoding.equals(name + "/1")) {
                    return codec;
                }
            }
            return null;
        }
    }

    /** Media direction (RFC 3264 §5.1), and the one an answer gives back. */
    enum Direction {
        SENDRECV, SENDONLY, RECVONLY, INACTIVE;

        Direction answer() {
            return switch (this) {
                case SENDONLY -> RECVONLY;
                case RECVONLY -> SENDONLY;
                default -> this;
            };
        }

        String attribute() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One {@code m=} line: media type, port, protocol and formats as offered. */
    record MediaLine(String media, int port, String protocol, String formats) {
    }

    /** Parses {@code body}; a malformed offer is a 400, one we cannot answer a 488. */
    static SdpOffer parse(String body) throws SdpException {
        if (body == null || body.isBlank()) {
            throw new SdpException(488, "An SDP offer is required (late offer is not supported)");
        }
        if (body.length() > MAX_BYTES) {
            throw new SdpException(400, "SDP body over " + MAX_BYTES + " bytes");
        }
        String[] lines = body.split("\r?\n");
        if (!lines[0].strip().equals("v=0")) {
            throw new SdpException(400, "Malformed SDP: it must start with v=0");
        }
        String sessionConnection = null;
        List<MediaLine> media = new ArrayList<>();
        // Attributes and connection of the first audio stream only; other streams are refused.
        int audioIndex = -1;
        String audioConnection = null;
        Map<Integer, String> rtpmaps = new HashMap<>();
        Integer ptime = null;
        Direction sessionDirection = Direction.SENDRECV;
        Direction audioDirection = null;
        boolean sawOrigin = false;
        for (int n = 1; n < lines.length; n++) {
            String line = lines[n];
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw new SdpException(400, "Malformed SDP line " + (n + 1) + ": expected <letter>=<value>");
            }
            char type = line.charAt(0);
            String value = line.substring(2).strip();
            boolean inAudio = audioIndex >= 0 && audioIndex == media.size() - 1;
            boolean inSession = media.isEmpty();
            switch (type) {
                case 'o' -> sawOrigin = true;
                case 'c' -> {
                    String address = connectionAddress(value, n);
                    if (inSession) {
                        sessionConnection = address;
                    }
                    else if (inAudio) {
                        audioConnection = address;
                    }
                }
                case 'm' -> {
                    MediaLine m = mediaLine(value, n);
                    media.add(m);
                    if (audioIndex < 0 && m.media().equals("audio") && m.port() != 0) {
                        audioIndex = media.size() - 1;
                    }
                }
                case 'a' -> {
                    if (inSession || inAudio) {
                        Direction d = direction(value);
                        if (d != null) {
                            if (inSession) {
                                sessionDirection = d;
                            }
                            else {
                                audioDirection = d;
                            }
                        }
                    }
                    if (inAudio) {
                        if (value.startsWith("rtpmap:")) {
                            rtpmap(value.substring(7), n, rtpmaps);
                        }
                        else if (value.startsWith("ptime:")) {
                            ptime = number(value.substring(6).strip(), 1, 1000, "ptime", n);
                        }
                    }
                    else if (inSession && value.startsWith("ptime:")) {
                        ptime = number(value.substring(6).strip(), 1, 1000, "ptime", n);
                    }
                }
                default -> {
                    // v, s, i, u, e, p, b, t, r, z, k: not needed to answer an audio offer.
                }
            }
        }
        if (!sawOrigin) {
            throw new SdpException(400, "Malformed SDP: no o= line");
        }
        if (audioIndex < 0) {
            throw new SdpException(488, "No audio stream offered (m=audio with a port)");
        }
        MediaLine audio = media.get(audioIndex);
        if (!audio.protocol().equals("RTP/AVP")) {
            throw new SdpException(488, "Audio over " + audio.protocol() + " is not supported; offer RTP/AVP");
        }
        String connection = audioConnection != null ? audioConnection : sessionConnection;
        if (connection == null) {
            throw new SdpException(400, "Malformed SDP: no c= line for the audio stream");
        }
        Codec codec = null;
        int codecPayload = -1;
        int telephoneEvent = -1;
        for (String format : audio.formats().split(" ")) {
            int payload = number(format, 0, 127, "payload type", -1);
            String map = rtpmaps.get(payload);
            String encoding = map == null ? null : map.toUpperCase(Locale.ROOT);
            // The first one the peer lists: G.722 (wideband) when it prefers it, else its G.711 law.
            Codec offered = Codec.offered(payload, map);
            if (codec == null && offered != null) {
                codec = offered;
                codecPayload = payload;
            }
            if (telephoneEvent < 0 && encoding != null && encoding.startsWith("TELEPHONE-EVENT/8000")) {
                telephoneEvent = payload;
            }
        }
        if (codec == null) {
            throw new SdpException(488, "Neither PCMU, PCMA nor G722 offered (formats " + audio.formats() + ")");
        }
        int ptimeMillis = ptime == null ? 20 : ptime;
        if (ptimeMillis < 10 || ptimeMillis > 40) {
            throw new SdpException(488, "ptime " + ptimeMillis + " ms is not supported (10-40 ms)");
        }
        return new SdpOffer(connection, audio.port(), List.copyOf(media), audioIndex, codec, codecPayload, telephoneEvent,
                ptimeMillis, audioDirection != null ? audioDirection : sessionDirection);
    }

    private static String connectionAddress(String value, int line) throws SdpException {
        String[] parts = value.split(" ");
        if (parts.length != 3 || !parts[0].equals("IN")) {
            throw new SdpException(400, "Malformed SDP line " + (line + 1) + ": c=IN IP4|IP6 <address>");
        }
        // A multicast address may carry /ttl: not something a phone offers; refused as malformed.
        boolean valid = parts[1].equals("IP4") ? IPV4.matcher(parts[2]).matches() && octets(parts[2])
                : parts[1].equals("IP6") && IPV6.matcher(parts[2]).matches() && parts[2].contains(":");
        if (!valid) {
            throw new SdpException(400, "Malformed SDP line " + (line + 1) + ": bad address '" + parts[2] + "'");
        }
        return parts[2];
    }

    private static boolean octets(String ipv4) {
        for (String octet : ipv4.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    private static MediaLine mediaLine(String value, int line) throws SdpException {
        String[] parts = value.split(" +", 4);
        if (parts.length < 4 || !TOKEN.matcher(parts[0]).matches() || !PROTOCOL.matcher(parts[2]).matches()) {
            throw new SdpException(400, "Malformed SDP line " + (line + 1) + ": m=<media> <port> <proto> <fmt> ...");
        }
        String port = parts[1];
        int slash = port.indexOf('/');
        if (slash >= 0) {
            number(port.substring(slash + 1), 1, 65535, "port count", line);
            port = port.substring(0, slash);
        }
        return new MediaLine(parts[0], number(port, 0, 65535, "port", line), parts[2], parts[3].strip());
    }

    private static void rtpmap(String value, int line, Map<Integer, String> rtpmaps) throws SdpException {
        String[] parts = value.strip().split(" +", 2);
        if (parts.length != 2 || !parts[1].contains("/")) {
            throw new SdpException(400, "Malformed SDP line " + (line + 1) + ": a=rtpmap:<pt> <encoding>/<rate>");
        }
        rtpmaps.put(number(parts[0], 0, 127, "payload type", line), parts[1].strip());
    }

    private static Direction direction(String value) {
        return switch (value) {
            case "sendrecv" -> Direction.SENDRECV;
            case "sendonly" -> Direction.SENDONLY;
            case "recvonly" -> Direction.RECVONLY;
            case "inactive" -> Direction.INACTIVE;
            default -> null;
        };
    }

    private static int number(String text, int min, int max, String what, int line) throws SdpException {
        if (text.isEmpty() || text.length() > 6 || !text.chars().allMatch(Character::isDigit)) {
            throw new SdpException(400, "Malformed SDP" + (line >= 0 ? " line " + (line + 1) : "") + ": bad " + what
                    + " '" + text + "'");
        }
        int value = Integer.parseInt(text);
        if (value < min || value > max) {
            throw new SdpException(400, "Malformed SDP" + (line >= 0 ? " line " + (line + 1) : "") + ": " + what + " "
                    + value + " out of range");
        }
        return value;
    }
}
