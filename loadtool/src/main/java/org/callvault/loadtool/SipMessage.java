package org.callvault.loadtool;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed SIP message (RFC 3261 section 7) as the load tool's SIP phone reads it: start line,
 * headers by full lower-case name (compact forms expanded), body. Only what a UAC of one call needs
 * (Call-ID, CSeq, To tag, Contact, Content-Length, the SDP answer); anything malformed gives null
 * from {@link #parse}, never an exception, since the peer is the server under test.
 */
final class SipMessage {

    /** Largest message the phone reads (a UDP datagram on loopback; CallVault's are ~1 kB). */
    static final int MAX_BYTES = 65_507;
    private static final int MAX_HEADERS = 100;

    final boolean response;
    /** Status code of a response, 0 for a request. */
    final int status;
    /** Method of a request, null for a response. */
    final String method;
    final String requestUri;
    private final Map<String, List<String>> headers;
    final String body;

    private SipMessage(boolean response, int status, String method, String requestUri,
                       Map<String, List<String>> headers, String body) {
        this.response = response;
        this.status = status;
        this.method = method;
        this.requestUri = requestUri;
        this.headers = headers;
        this.body = body;
    }

    /** Parses one datagram; null when it is not a well-formed SIP message. */
    static SipMessage parse(byte[] data, int off, int len) {
        if (len <= 0 || len > MAX_BYTES) {
            return null;
        }
        String text = new String(data, off, len, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return null;
        }
        String[] lines = text.substring(0, end).split("\r\n", -1);
        if (lines.length < 2 || lines.length > MAX_HEADERS + 1) {
            return null;
        }
        boolean response;
        int status = 0;
        String method = null;
        String uri = null;
        String[] start = lines[0].split(" ", 3);
        if (start.length < 2) {
            return null;
        }
        if (start[0].equals("SIP/2.0")) {
            response = true;
            if (start[1].length() != 3 || !start[1].chars().allMatch(Character::isDigit)) {
                return null;
            }
            status = Integer.parseInt(start[1]);
            if (status < 100 || status > 699) {
                return null;
            }
        } else {
            response = false;
            if (start.length != 3 || !start[2].equals("SIP/2.0") || !start[0].chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
                return null;
            }
            method = start[0];
            uri = start[1];
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                return null; // no folded lines: CallVault's JAIN-SIP never folds
            }
            String raw = line.substring(0, colon).trim();
            if (raw.isEmpty() || !raw.chars().allMatch(SipMessage::isTokenChar)) {
                return null;
            }
            String name = expand(raw.toLowerCase(Locale.ROOT));
            String value = line.substring(colon + 1).trim();
            List<String> values = headers.computeIfAbsent(name, k -> new ArrayList<>(1));
            if (name.equals("via")) {
                for (String v : value.split(",")) {
                    values.add(v.trim()); // several Via values may share a line
                }
            } else {
                values.add(value);
            }
        }
        String body = text.substring(end + 4);
        List<String> cl = headers.get("content-length");
        if (cl != null) {
            int n;
            try {
                n = Integer.parseInt(cl.get(0));
            } catch (NumberFormatException e) {
                return null;
            }
            byte[] raw = body.getBytes(StandardCharsets.UTF_8);
            if (n < 0 || n > raw.length) {
                return null;
            }
            body = new String(raw, 0, n, StandardCharsets.UTF_8);
        }
        SipMessage m = new SipMessage(response, status, method, uri, headers, body);
        if (m.callId() == null || m.cseq() < 0 || m.cseqMethod() == null || m.header("from") == null
                || m.header("to") == null || m.headers("via").isEmpty()) {
            return null;
        }
        return m;
    }

    /** RFC 3261 token characters (header names). */
    private static boolean isTokenChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-.!%*_+`'~".indexOf(c) >= 0;
    }

    private static String expand(String name) {
        return switch (name) {
            case "i" -> "call-id";
            case "f" -> "from";
            case "t" -> "to";
            case "v" -> "via";
            case "m" -> "contact";
            case "l" -> "content-length";
            case "c" -> "content-type";
            default -> name;
        };
    }

    String header(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    List<String> headers(String name) {
        List<String> v = headers.get(name);
        return v == null ? List.of() : v;
    }

    String callId() {
        return header("call-id");
    }

    /** CSeq number, -1 if missing or malformed. */
    long cseq() {
        String c = header("cseq");
        if (c == null) {
            return -1;
        }
        String[] p = c.trim().split("\\s+");
        if (p.length != 2 || p[0].isEmpty() || p[0].length() > 10 || !p[0].chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(p[0]);
    }

    String cseqMethod() {
        String c = header("cseq");
        if (c == null) {
            return null;
        }
        String[] p = c.trim().split("\\s+");
        return p.length == 2 ? p[1] : null;
    }

    /** The tag parameter of To (outside its URI's angle brackets), null if none. */
    String toTag() {
        return tag(header("to"));
    }

    static String tag(String nameAddr) {
        if (nameAddr == null) {
            return null;
        }
        int gt = nameAddr.lastIndexOf('>');
        String params = gt >= 0 ? nameAddr.substring(gt + 1) : nameAddr;
        for (String p : params.split(";")) {
            String t = p.trim();
            if (t.regionMatches(true, 0, "tag=", 0, 4) && t.length() > 4) {
                return t.substring(4);
            }
        }
        return null;
    }

    /** The URI of the first Contact ({@code <sip:...>} or a bare URI), null if none. */
    String contactUri() {
        String c = header("contact");
        if (c == null) {
            return null;
        }
        int lt = c.indexOf('<');
        int gt = c.indexOf('>', lt + 1);
        if (lt >= 0 && gt > lt) {
            return c.substring(lt + 1, gt);
        }
        int semi = c.indexOf(';');
        return (semi >= 0 ? c.substring(0, semi) : c).trim();
    }

    // ------------------------------------------------------------------ SDP

    /** The audio stream of an SDP answer (RFC 4566): where to send RTP and which payload types. */
    record Sdp(String address, int port, List<Integer> payloads, String direction) {

        /** Parses an SDP body; null when it has no usable IPv4/IPv6 connection and audio stream. */
        static Sdp parse(String body) {
            if (body == null) {
                return null;
            }
            String session = null;
            String media = null;
            int port = -1;
            List<Integer> payloads = new ArrayList<>();
            String direction = "sendrecv";
            boolean inAudio = false;
            for (String raw : body.split("\r?\n")) {
                String l = raw.trim();
                if (l.startsWith("m=")) {
                    inAudio = false;
                    String[] p = l.substring(2).split(" ");
                    if (p.length >= 4 && p[0].equals("audio") && port < 0) {
                        try {
                            port = Integer.parseInt(p[1]);
                            for (int i = 3; i < p.length; i++) {
                                payloads.add(Integer.parseInt(p[i]));
                            }
                        } catch (NumberFormatException e) {
                            return null;
                        }
                        inAudio = true;
                    }
                } else if (l.startsWith("c=")) {
                    String[] p = l.substring(2).split(" ");
                    if (p.length != 3 || !p[0].equals("IN") || !(p[1].equals("IP4") || p[1].equals("IP6"))) {
                        return null;
                    }
                    if (port < 0) {
                        session = p[2];
                    } else if (inAudio) {
                        media = p[2];
                    }
                } else if (inAudio && (l.equals("a=sendrecv") || l.equals("a=sendonly") || l.equals("a=recvonly")
                        || l.equals("a=inactive"))) {
                    direction = l.substring(2);
                }
            }
            String address = media != null ? media : session;
            if (address == null || port <= 0 || port > 65535) {
                return null;
            }
            return new Sdp(address, port, List.copyOf(payloads), direction);
        }
    }

    // ------------------------------------------------------------------ building

    /**
     * What identifies one call of the phone (RFC 3261 section 8.1.1): the requests it sends are built
     * from it. {@code localHost:localPort} is the phone's SIP socket, {@code rtpPort} its RTP socket.
     */
    record Call(String localHost, int localPort, String serverHost, int serverPort, String callId, String fromTag,
                String displayName, String user, int rtpPort, long sdpSessionId) {

        String requestUri() {
            return "sip:callvault@" + hostPort(serverHost, serverPort);
        }

        private String from() {
            return quote(displayName) + " <sip:" + user + "@" + hostPort(localHost, localPort) + ">;tag=" + fromTag;
        }

        private String to(String toTag) {
            return "<" + requestUri() + ">" + (toTag == null ? "" : ";tag=" + toTag);
        }

        private String via(String branch) {
            return "SIP/2.0/UDP " + hostPort(localHost, localPort) + ";branch=" + branch + ";rport";
        }

        private String contact() {
            return "<sip:" + user + "@" + hostPort(localHost, localPort) + ">";
        }

        /** The SDP offer: PCMU and telephone-event, 20 ms packets (RFC 3264, RFC 4733). */
        String sdpOffer() {
            String ip = localHost.contains(":") ? "IP6" : "IP4";
            return "v=0\r\n"
                    + "o=- " + sdpSessionId + " " + sdpSessionId + " IN " + ip + " " + localHost + "\r\n"
                    + "s=callvault-loadtool\r\n"
                    + "c=IN " + ip + " " + localHost + "\r\n"
                    + "t=0 0\r\n"
                    + "m=audio " + rtpPort + " RTP/AVP 0 101\r\n"
                    + "a=rtpmap:0 PCMU/8000\r\n"
                    + "a=rtpmap:101 telephone-event/8000\r\n"
                    + "a=fmtp:101 0-16\r\n"
                    + "a=ptime:20\r\n"
                    + "a=sendrecv\r\n";
        }

        String invite(String branch) {
            String sdp = sdpOffer();
            return "INVITE " + requestUri() + " SIP/2.0\r\n"
                    + "Via: " + via(branch) + "\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: " + from() + "\r\n"
                    + "To: " + to(null) + "\r\n"
                    + "Call-ID: " + callId + "\r\n"
                    + "CSeq: 1 INVITE\r\n"
                    + "Contact: " + contact() + "\r\n"
                    + "User-Agent: callvault-loadtool\r\n"
                    + "Content-Type: application/sdp\r\n"
                    + "Content-Length: " + sdp.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                    + "\r\n" + sdp;
        }

        /**
         * ACK. For a 2xx a transaction of its own (new branch) to the remote target; for a final
         * error the INVITE's own branch and Request-URI (RFC 3261 section 17.1.1.3).
         */
        String ack(String branch, String requestUri, String toTag) {
            return "ACK " + requestUri + " SIP/2.0\r\n"
                    + "Via: " + via(branch) + "\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: " + from() + "\r\n"
                    + "To: " + to(toTag) + "\r\n"
                    + "Call-ID: " + callId + "\r\n"
                    + "CSeq: 1 ACK\r\n"
                    + "Content-Length: 0\r\n\r\n";
        }

        /** CANCEL of the INVITE: its branch, Request-URI and To, CSeq 1 CANCEL (section 9.1). */
        String cancel(String inviteBranch) {
            return "CANCEL " + requestUri() + " SIP/2.0\r\n"
                    + "Via: " + via(inviteBranch) + "\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: " + from() + "\r\n"
                    + "To: " + to(null) + "\r\n"
                    + "Call-ID: " + callId + "\r\n"
                    + "CSeq: 1 CANCEL\r\n"
                    + "Content-Length: 0\r\n\r\n";
        }

        String bye(String branch, String requestUri, String toTag, long cseq) {
            return "BYE " + requestUri + " SIP/2.0\r\n"
                    + "Via: " + via(branch) + "\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: " + from() + "\r\n"
                    + "To: " + to(toTag) + "\r\n"
                    + "Call-ID: " + callId + "\r\n"
                    + "CSeq: " + cseq + " BYE\r\n"
                    + "User-Agent: callvault-loadtool\r\n"
                    + "Content-Length: 0\r\n\r\n";
        }
    }

    /** A response to {@code request} without a body: Via, From, To, Call-ID and CSeq copied (section 8.2.6.2). */
    static String response(SipMessage request, int status, String reason) {
        StringBuilder b = new StringBuilder(256);
        b.append("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        for (String v : request.headers("via")) {
            b.append("Via: ").append(v).append("\r\n");
        }
        b.append("From: ").append(request.header("from")).append("\r\n");
        b.append("To: ").append(request.header("to")).append("\r\n");
        b.append("Call-ID: ").append(request.callId()).append("\r\n");
        b.append("CSeq: ").append(request.header("cseq")).append("\r\n");
        b.append("Content-Length: 0\r\n\r\n");
        return b.toString();
    }

    /** A random token for branches, tags and Call-IDs ({@code z9hG4bK} is the RFC 3261 branch cookie). */
    static String token(java.util.Random rnd) {
        return Long.toString(rnd.nextLong() & Long.MAX_VALUE, 36);
    }

    static String branch(java.util.Random rnd) {
        return "z9hG4bK" + token(rnd);
    }

    static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    static String quote(String displayName) {
        return "\"" + displayName.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
