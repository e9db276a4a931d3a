package org.callvault.transport.sip.siprec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A SIPREC SDP offer (RFC 7866 §8): one {@code m=} line per recorded stream, usually two
 * {@code sendonly} audio streams (one per participant) told apart by {@code a=label} (RFC 4574),
 * which the metadata's {@code <stream><label>} refers to. Unlike a phone's offer (one audio
 * stream), every m-line matters here, each with its own connection, codecs, direction and ptime.
 *
 * <p>Accepted: CRLF or LF line ends; media-level {@code c=} overriding the session's;
 * direction and ptime at session level as the default for every stream; labels that are numbers
 * ({@code 1}, Acme's {@code 16777227}) or words; static payloads without rtpmap (0, 8, 9, 18);
 * {@code m=} lines of any media and protocol (they are answered, refused, by {@link SiprecAnswer}).
 * Refused: over {@link #MAX_BYTES} (413), more than {@link #MAX_STREAMS} m-lines or no audio
 * m-line (488), lines that do not parse (400, with the line number).
 *
 * @param streams every m-line in order (an answer has as many, RFC 3264 §6)
 */
public record SdpStreams(List<MediaStream> streams) {

    /** A two-stream SIPREC offer is under 1 KB; 32 KB leaves room for many streams and ICE noise. */
    public static final int MAX_BYTES = 32 * 1024;
    /** A conference of several participants, each one stream: 16 is more than SRCs send. */
    public static final int MAX_STREAMS = 16;
    /** Payload types per m-line (formats); RTP's dynamic range has 32. */
    public static final int MAX_FORMATS = 32;

    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Za-z.:\\-]{1,255}");
    private static final Pattern LABEL = Pattern.compile("[\\x21-\\x7e]{1,128}");

    public SdpStreams {
        streams = List.copyOf(streams);
    }

    /** Media direction (RFC 3264 §5.1); a stream without one takes the session's, else sendrecv. */
    public enum Direction {
        SENDRECV, SENDONLY, RECVONLY, INACTIVE;

        /** The SDP attribute name. */
        public String attribute() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Direction of(String attribute) {
            return switch (attribute) {
                case "sendrecv" -> SENDRECV;
                case "sendonly" -> SENDONLY;
                case "recvonly" -> RECVONLY;
                case "inactive" -> INACTIVE;
                default -> null;
            };
        }
    }

    /** What a payload carries. {@code recordable} says whether CallVault can decode it. */
    public enum Encoding {
        PCMU(true, 0), PCMA(true, 0), G722(true, 1), OPUS(true, 2),
        /** Recognised (Avaya offers it) but not decoded: a G.729-only stream is refused. */
        G729(false, 9),
        /** RFC 4733 DTMF events, answered next to the codec, never instead of it. */
        TELEPHONE_EVENT(false, 9),
        OTHER(false, 9);

        private final boolean recordable;
        private final int tier;

        Encoding(boolean recordable, int tier) {
            this.recordable = recordable;
            this.tier = tier;
        }

        public boolean recordable() {
            return recordable;
        }

        /** Preference when answering: G.711 first (cheapest, lossless to store), then G.722, then Opus. */
        int tier() {
            return tier;
        }

        static Encoding named(String name) {
            String upper = name.toUpperCase(Locale.ROOT);
            return switch (upper) {
                case "PCMU" -> PCMU;
                case "PCMA" -> PCMA;
                case "G722" -> G722;
                case "OPUS" -> OPUS;
                case "TELEPHONE-EVENT" -> TELEPHONE_EVENT;
                default -> upper.startsWith("G729") ? G729 : OTHER;
            };
        }
    }

    /**
     * One payload type of an m-line.
     *
     * @param name      the encoding name as the offer wrote it (echoed in the answer's rtpmap)
     * @param clockRate the RTP clock as written (G.722 says 8000 though it samples 16 kHz, RFC 3551)
     * @param channels  1 unless the rtpmap says otherwise (Opus says 2, RFC 7587)
     * @param fmtp      the {@code a=fmtp} parameters, or null
     */
    public record Format(int payload, Encoding encoding, String name, int clockRate, int channels, String fmtp) {

        /** The rtpmap value: {@code name/clock[/channels]}. */
        public String rtpmap() {
            return name + "/" + clockRate + (channels != 1 ? "/" + channels : "");
        }
    }

    /**
     * One m-line.
     *
     * @param index             its position among the m-lines, from 0
     * @param media             {@code audio}, {@code video}, ...
     * @param port              0 for a disabled stream
     * @param protocol          {@code RTP/AVP}, {@code RTP/SAVP}, ...
     * @param formats           the m-line's format list as written
     * @param payloads          for RTP protocols, each payload type with its rtpmap, in offer order
     * @param connectionAddress the media-level c= address, else the session's (null when neither)
     * @param label             the {@code a=label} value, or null
     * @param direction         media-level direction, else the session's, else sendrecv
     * @param ptimeMillis       media-level ptime, else the session's, else 0 (not given)
     */
    public record MediaStream(int index, String media, int port, String protocol, String formats,
            List<Format> payloads, String connectionAddress, String label, Direction direction, int ptimeMillis) {

        public MediaStream {
            payloads = List.copyOf(payloads);
        }

        public boolean isAudio() {
            return media.equals("audio");
        }

        /** The telephone-event payload at {@code clockRate}, if offered. */
        public Optional<Format> telephoneEvent(int clockRate) {
            return payloads.stream()
                    .filter(f -> f.encoding() == Encoding.TELEPHONE_EVENT && f.clockRate() == clockRate)
                    .findFirst();
        }
    }

    /** The labels of the m-lines, in order (null where a line has none). */
    public List<String> labels() {
        List<String> labels = new ArrayList<>(streams.size());
        streams.forEach(s -> labels.add(s.label()));
        return labels;
    }

    /** The stream with that {@code a=label}. */
    public Optional<MediaStream> byLabel(String label) {
        return streams.stream().filter(s -> label != null && label.equals(s.label())).findFirst();
    }

    /** Mutable state of the m-line being read. */
    private static final class Builder {
        final int index;
        final String media;
        final int port;
        final String protocol;
        final String formats;
        final Map<Integer, String[]> rtpmaps = new HashMap<>();
        final Map<Integer, String> fmtps = new HashMap<>();
        String connection;
        String label;
        Direction direction;
        int ptime;

        Builder(int index, String media, int port, String protocol, String formats) {
            this.index = index;
            this.media = media;
            this.port = port;
            this.protocol = protocol;
            this.formats = formats;
        }

        MediaStream build(String sessionConnection, Direction sessionDirection, int sessionPtime, int line)
                throws SiprecException {
            List<Format> payloads = new ArrayList<>();
            if (protocol.toUpperCase(Locale.ROOT).contains("RTP/")) {
                String[] tokens = formats.split(" +");
                if (tokens.length > MAX_FORMATS) {
                    throw new SiprecException(400, "Malformed SDP: m-line " + (index + 1) + " with more than "
                            + MAX_FORMATS + " formats");
                }
                for (String token : tokens) {
                    int payload = number(token, 127, "payload type", line);
                    payloads.add(format(payload, rtpmaps.get(payload), fmtps.get(payload)));
                }
            }
            String address = connection != null ? connection : sessionConnection;
            if (address == null && port != 0) {
                throw new SiprecException(400, "Malformed SDP: no c= line for m-line " + (index + 1));
            }
            return new MediaStream(index, media, port, protocol, formats, payloads, address, label,
                    direction != null ? direction : sessionDirection, ptime != 0 ? ptime : sessionPtime);
        }

        private static Format format(int payload, String[] rtpmap, String fmtp) {
            if (rtpmap != null) {
                int channels = rtpmap.length > 2 ? Integer.parseInt(rtpmap[2]) : 1;
                return new Format(payload, Encoding.named(rtpmap[0]), rtpmap[0], Integer.parseInt(rtpmap[1]), channels,
                        fmtp);
            }
            // Static payload types of RFC 3551 §6 that an SRC may list without an rtpmap.
            return switch (payload) {
                case 0 -> new Format(0, Encoding.PCMU, "PCMU", 8000, 1, fmtp);
                case 8 -> new Format(8, Encoding.PCMA, "PCMA", 8000, 1, fmtp);
                case 9 -> new Format(9, Encoding.G722, "G722", 8000, 1, fmtp);
                case 18 -> new Format(18, Encoding.G729, "G729", 8000, 1, fmtp);
                default -> new Format(payload, Encoding.OTHER, "unknown", 8000, 1, fmtp);
            };
        }
    }

    /** Parses a SIPREC SDP offer. */
    public static SdpStreams parse(String sdp) throws SiprecException {
        if (sdp == null || sdp.isBlank()) {
            throw new SiprecException(488, "An SDP offer is required (late offer is not supported)");
        }
        if (sdp.length() > MAX_BYTES) {
            throw new SiprecException(413, "SDP of " + sdp.length() + " characters is over " + MAX_BYTES);
        }
        String[] lines = sdp.split("\r?\n");
        if (!lines[0].strip().equals("v=0")) {
            throw new SiprecException(400, "Malformed SDP: it must start with v=0");
        }
        boolean sawOrigin = false;
        String sessionConnection = null;
        Direction sessionDirection = Direction.SENDRECV;
        int sessionPtime = 0;
        List<Builder> builders = new ArrayList<>();
        List<Integer> mLines = new ArrayList<>();
        for (int n = 1; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw new SiprecException(400, "Malformed SDP line " + (n + 1) + ": expected <letter>=<value>");
            }
            String value = line.substring(2).strip();
            Builder current = builders.isEmpty() ? null : builders.get(builders.size() - 1);
            switch (line.charAt(0)) {
                case 'o' -> sawOrigin = true;
                case 'c' -> {
                    String address = connection(value, n);
                    if (current == null) {
                        sessionConnection = address;
                    }
                    else {
                        current.connection = address;
                    }
                }
                case 'm' -> {
                    if (builders.size() == MAX_STREAMS) {
                        throw new SiprecException(488, "More than " + MAX_STREAMS + " m-lines offered");
                    }
                    builders.add(mediaLine(builders.size(), value, n));
                    mLines.add(n);
                }
                case 'a' -> {
                    Direction direction = Direction.of(value);
                    if (direction != null) {
                        if (current == null) {
                            sessionDirection = direction;
                        }
                        else {
                            current.direction = direction;
                        }
                    }
                    else if (value.startsWith("ptime:")) {
                        int ptime = number(value.substring(6).strip(), 1000, "ptime", n);
                        if (current == null) {
                            sessionPtime = ptime;
                        }
                        else {
                            current.ptime = ptime;
                        }
                    }
                    else if (current != null) {
                        mediaAttribute(current, value, n);
                    }
                }
                default -> {
                    // s, i, u, e, p, b, t, r, z, k: nothing a recorder needs.
                }
            }
        }
        if (!sawOrigin) {
            throw new SiprecException(400, "Malformed SDP: no o= line");
        }
        List<MediaStream> streams = new ArrayList<>(builders.size());
        for (int i = 0; i < builders.size(); i++) {
            streams.add(builders.get(i).build(sessionConnection, sessionDirection, sessionPtime, mLines.get(i)));
        }
        if (streams.stream().noneMatch(MediaStream::isAudio)) {
            throw new SiprecException(488, "No audio stream offered (m=audio)");
        }
        return new SdpStreams(streams);
    }

    private static void mediaAttribute(Builder current, String value, int n) throws SiprecException {
        if (value.startsWith("label:")) {
            String label = value.substring(6).strip();
            if (!LABEL.matcher(label).matches()) {
                throw new SiprecException(400, "Malformed SDP line " + (n + 1) + ": a=label:<1 to 128 visible characters>");
            }
            current.label = label;
        }
        else if (value.startsWith("rtpmap:")) {
            String[] parts = value.substring(7).strip().split(" +", 2);
            String[] map = parts.length == 2 ? parts[1].strip().split("/") : new String[0];
            if (map.length < 2 || map.length > 3 || map[0].isEmpty()) {
                throw new SiprecException(400, "Malformed SDP line " + (n + 1) + ": a=rtpmap:<pt> <name>/<clock>[/<channels>]");
            }
            number(map[1], 1_000_000, "clock rate", n);
            if (map.length == 3) {
                number(map[2], 255, "channel count", n);
            }
            current.rtpmaps.putIfAbsent(number(parts[0], 127, "payload type", n), map);
        }
        else if (value.startsWith("fmtp:")) {
            String[] parts = value.substring(5).strip().split(" +", 2);
            current.fmtps.putIfAbsent(number(parts[0], 127, "payload type", n), parts.length == 2 ? parts[1] : "");
        }
    }

    private static String connection(String value, int n) throws SiprecException {
        String[] parts = value.split(" +");
        if (parts.length != 3 || !parts[0].equals("IN") || !(parts[1].equals("IP4") || parts[1].equals("IP6"))) {
            throw new SiprecException(400, "Malformed SDP line " + (n + 1) + ": c=IN IP4|IP6 <address>");
        }
        // A multicast TTL or count ("/127") says nothing to a unicast receiver: dropped.
        String address = parts[2].split("/", 2)[0];
        if (!ADDRESS.matcher(address).matches()) {
            throw new SiprecException(400, "Malformed SDP line " + (n + 1) + ": bad connection address");
        }
        return address;
    }

    private static Builder mediaLine(int index, String value, int n) throws SiprecException {
        String[] parts = value.split(" +", 4);
        if (parts.length < 4 || parts[0].isEmpty() || parts[2].isEmpty()) {
            throw new SiprecException(400, "Malformed SDP line " + (n + 1) + ": m=<media> <port> <proto> <fmt> ...");
        }
        String port = parts[1];
        int slash = port.indexOf('/');
        if (slash >= 0) {
            number(port.substring(slash + 1), 65535, "port count", n);
            port = port.substring(0, slash);
        }
        return new Builder(index, parts[0].toLowerCase(Locale.ROOT), number(port, 65535, "port", n), parts[2],
                parts[3].strip());
    }

    private static int number(String text, int max, String what, int n) throws SiprecException {
        if (text.isEmpty() || text.length() > 7 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new SiprecException(400, "Malformed SDP line " + (n + 1) + ": bad " + what + " '"
                    + (text.length() > 20 ? text.substring(0, 20) + "..." : text) + "'");
        }
        int value = Integer.parseInt(text);
        if (value > max) {
            throw new SiprecException(400, "Malformed SDP line " + (n + 1) + ": " + what + " " + value + " over " + max);
        }
        return value;
    }
}
