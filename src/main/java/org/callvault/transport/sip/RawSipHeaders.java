package org.callvault.transport.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The header block of a message as the peer sent it, before (or instead of) JAIN-SIP's parse: unfolded
 * lines, names in long form. Two things need the raw text: JAIN-SIP keeps the first of two From (or
 * Call-ID, CSeq...) headers without a word, so duplicates are only visible here (RFC 4475 multi01,
 * mcl01); and a message the parser refuses still deserves an answer built from what it carried.
 */
final class RawSipHeaders {

    /** RFC 3261 7.3.3 compact forms. */
    private static final Map<String, String> COMPACT = Map.of("i", "call-id", "f", "from", "t", "to", "v", "via",
            "l", "content-length", "c", "content-type", "m", "contact", "s", "subject", "k", "supported",
            "e", "content-encoding");

    /** Headers a request carries once at most (RFC 3261 7.3.1: not comma-separated lists). */
    private static final List<String> SINGLE = List.of("call-id", "cseq", "from", "to", "max-forwards",
            "content-length", "content-type");

    private final String startLine;
    private final List<String[]> headers; // {long lower-case name, name as written, value}

    private RawSipHeaders(String startLine, List<String[]> headers) {
        this.startLine = startLine;
        this.headers = headers;
    }

    /**
     * The header block of {@code message} (up to the first empty line, or all of it). Lines may end in
     * CRLF or LF alone: the RI's TCP reader hands its parser the lines without their CR.
     */
    static RawSipHeaders of(byte[] message) {
        // ISO-8859-1 maps every byte to one char: positions and odd octets survive.
        String[] lines = new String(message, StandardCharsets.ISO_8859_1).split("\r?\n", -1);
        int first = 0;
        while (first < lines.length && lines[first].isEmpty()) {
            first++; // keep-alive CRLFs before a message on a stream
        }
        String startLine = first < lines.length ? lines[first] : "";
        List<String[]> headers = new ArrayList<>();
        for (int i = first + 1; i < lines.length && !lines[i].isEmpty(); i++) {
            String line = lines[i];
            if ((line.startsWith(" ") || line.startsWith("\t")) && !headers.isEmpty()) {
                String[] last = headers.get(headers.size() - 1);
                last[2] = (last[2] + " " + line.strip()).strip(); // folded (RFC 3261 7.3.1)
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String written = line.substring(0, colon).strip();
            String lower = written.toLowerCase(Locale.ROOT);
            headers.add(new String[] { COMPACT.getOrDefault(lower, lower), written, line.substring(colon + 1).strip() });
        }
        return new RawSipHeaders(startLine, headers);
    }

    boolean isRequest() {
        return !startLine.startsWith("SIP/");
    }

    boolean isAck() {
        return startLine.startsWith("ACK ");
    }

    /**
     * The start line's protocol is not SIP/2.0: the RI's parser accepts any (it builds the error for
     * "Expecting SIP/2.0" and forgets to throw it), so SIP/7.0 would be answered as SIP/2.0 (badvers).
     */
    boolean otherVersion() {
        String line = startLine.strip();
        if (!isRequest()) {
            return !line.regionMatches(true, 0, "SIP/2.0 ", 0, 8);
        }
        int space = line.lastIndexOf(' ');
        return space < 0 || !line.substring(space + 1).equalsIgnoreCase("SIP/2.0");
    }

    /**
     * A From or To whose display name is neither tokens nor a quoted string (RFC 3261 25.1
     * display-name): "Bell, Alexander &lt;sip:...&gt;" (RFC 4475 baddn). The RI reads it as a name.
     */
    String badDisplayName() {
        for (String name : List.of("from", "to")) {
            String value = value(name);
            int angle = value == null ? -1 : value.indexOf('<');
            if (angle <= 0) {
                continue;
            }
            String display = value.substring(0, angle).strip();
            if (!display.isEmpty() && !display.startsWith("\"") && !display.matches(TOKENS)) {
                return "Display name of " + (name.equals("from") ? "From" : "To") + " neither tokens nor quoted";
            }
        }
        return null;
    }

    /** RFC 3261 25.1: token *(LWS token). */
    private static final String TOKENS = "[A-Za-z0-9.!%*_+`'~-]+(?:[ \\t]+[A-Za-z0-9.!%*_+`'~-]+)*";

    /** Why the message is malformed in a way JAIN-SIP would let pass, or null. */
    String duplicateSingleHeader() {
        Map<String, Integer> counts = new HashMap<>();
        for (String[] h : headers) {
            if (SINGLE.contains(h[0]) && counts.merge(h[0], 1, Integer::sum) == 2) {
                return "Duplicate " + h[1] + " header";
            }
        }
        return null;
    }

    boolean has(String longName) {
        return value(longName) != null;
    }

    /** A header's (unfolded) value, the first one when repeated, or null. */
    String value(String longName) {
        for (String[] h : headers) {
            if (h[0].equals(longName)) {
                return h[2];
            }
        }
        return null;
    }

    /**
     * A response to this request, from its own Via, From, To, Call-ID and CSeq lines (whichever it has),
     * with no body: it does not echo the request back (a forged source would get it).
     */
    byte[] response(int status, String reason) {
        StringBuilder out = new StringBuilder(256);
        out.append("SIP/2.0 ").append(status).append(' ').append(reason.replaceAll("[\\p{Cntrl}]", " ")).append("\r\n");
        for (String[] h : headers) {
            if (h[0].equals("via")) {
                out.append("Via: ").append(h[2]).append("\r\n");
            }
        }
        for (String name : List.of("from", "to", "call-id", "cseq")) {
            String value = value(name);
            if (value == null) {
                continue;
            }
            out.append(switch (name) {
                case "from" -> "From";
                case "to" -> "To";
                case "call-id" -> "Call-ID";
                default -> "CSeq";
            }).append(": ").append(value);
            if (name.equals("to") && !value.contains("tag=")) {
                // RFC 3261 8.2.6.2: a UAS adds its tag to the To of a final response.
                out.append(";tag=").append(Long.toHexString(ThreadLocalRandom.current().nextLong()));
            }
            out.append("\r\n");
        }
        out.append("Content-Length: 0\r\n\r\n");
        // The peer's own octets go back as they came (ISO-8859-1 round trip).
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Enough of a request to answer it: a Via to route by, and a CSeq to match the transaction. */
    boolean answerable() {
        return value("via") != null && value("cseq") != null;
    }
}
