package org.callvault.transport.sip.siprec;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The body of a SIPREC INVITE, re-INVITE or UPDATE (RFC 7866 §6.1): a {@code multipart/mixed}
 * (RFC 2046 §5.1) with one {@code application/sdp} part and a recording metadata part, or a plain
 * {@code application/sdp} (re-INVITEs often carry the SDP alone). Hand-written rather than a MIME
 * library: the grammar is small, and SBCs bend it in ways a strict library refuses (LF line ends,
 * no close delimiter, parts without headers), which is where other SIPREC servers lost calls.
 *
 * <p>Accepted: the boundary quoted or not; a preamble and an epilogue; CRLF or LF line ends;
 * spaces after a delimiter; a missing close delimiter (the SIP Content-Length already bounds the
 * body); part headers folded over lines; a part with no headers (its type sniffed: {@code v=0}
 * is SDP, an XML {@code recording} element is metadata); base64 parts. The metadata part may be
 * {@code application/rs-metadata+xml} or {@code application/rs-metadata} (AudioCodes), or any XML
 * type with {@code Content-Disposition: recording-session}; other parts
 * (Cisco's {@code application/gtd}, ISUP, anything) are kept in {@link #parts()} and otherwise ignored.
 *
 * <p>Refused, with the status to answer: a body over {@link #MAX_BYTES} (413); more than
 * {@link #MAX_PARTS} parts or a malformed structure (400); a body type other than multipart/mixed,
 * multipart/related or application/sdp, or a multipart with no SDP part (415); no body (488).
 *
 * @param sdp          the SDP offer; null only for an UPDATE that carries metadata alone ({@link #parseUpdate})
 * @param metadata     the metadata XML, or null when the body carries none (it may come in an UPDATE)
 * @param metadataType the metadata part's type as sent, or null
 * @param parts        every part in order, including the ignored ones (an SDP-only body: none)
 */
public record MultipartBody(String sdp, String metadata, String metadataType, List<Part> parts) {

    /** A SIPREC INVITE's body is 1 to 4 KB (BroadWorks ~3.6 KB); 64 KB is generous and bounded. */
    public static final int MAX_BYTES = 64 * 1024;
    /** SDP, metadata, and a few vendor parts (Cisco adds gtd): eight is more than any SRC sends. */
    public static final int MAX_PARTS = 8;
    /** Headers per part: a part has two or three (type, disposition, id). */
    static final int MAX_PART_HEADERS = 16;

    public static final String SDP = "application/sdp";
    public static final String METADATA = "application/rs-metadata+xml";
    /** AudioCodes labels the metadata part without {@code +xml}. */
    public static final String METADATA_NO_XML = "application/rs-metadata";

    /** A header line's start: a token then a colon ({@code v=0} or {@code <tns:recording} is content). */
    private static final Pattern HEADER_START = Pattern.compile("[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*[ \\t]*:.*");
    /** RFC 2046 bchars, leniently: any visible character or space, 1 to 70 long, not ending in a space. */
    private static final Pattern BOUNDARY = Pattern.compile("[\\x21-\\x7e]([\\x20-\\x7e]{0,68}[\\x21-\\x7e])?");

    public MultipartBody {
        parts = List.copyOf(parts);
    }

    /**
     * One body part.
     *
     * @param contentType its type, lower-cased without parameters ({@code text/plain} when it has
     *                    none and nothing recognisable, RFC 2046 §5.1.1)
     * @param headers     its headers, names lower-cased ({@code content-disposition}, {@code content-id})
     * @param body        its content, decoded (charset parameter or UTF-8; base64 undone)
     */
    public record Part(String contentType, Map<String, String> headers, String body) {

        public Part {
            headers = Map.copyOf(headers);
        }
    }

    /**
     * Splits a SIPREC request body.
     *
     * @param contentType the request's {@code Content-Type} header value
     * @param body        the request's body bytes as received
     */
    public static MultipartBody parse(String contentType, byte[] body) throws SiprecException {
        return parse(contentType, body, false);
    }

    /**
     * Splits a SIPREC UPDATE's body (RFC 7866 §7.1.2: metadata alone is sent in an UPDATE): as
     * {@link #parse}, but the SDP may be missing, and a bare {@code application/rs-metadata(+xml)}
     * body is taken as the metadata; refused (415) when there is neither SDP nor metadata.
     */
    public static MultipartBody parseUpdate(String contentType, byte[] body) throws SiprecException {
        return parse(contentType, body, true);
    }

    private static MultipartBody parse(String contentType, byte[] body, boolean update) throws SiprecException {
        if (body == null || body.length == 0) {
            throw new SiprecException(488, "An SDP offer is required (late offer is not supported)");
        }
        if (body.length > MAX_BYTES) {
            throw new SiprecException(413, "Body of " + body.length + " bytes is over " + MAX_BYTES);
        }
        MediaType type = MediaType.parse(contentType);
        if (type.type().equals(SDP)) {
            return new MultipartBody(decode(body, type), null, null, List.of());
        }
        if (update && (type.type().equals(METADATA) || type.type().equals(METADATA_NO_XML))) {
            return new MultipartBody(null, decode(body, type), type.type(), List.of());
        }
        if (!type.type().equals("multipart/mixed") && !type.type().equals("multipart/related")) {
            throw new SiprecException(415, "Body type " + type.type() + " is not taken: send multipart/mixed "
                    + "(application/sdp and application/rs-metadata+xml) or application/sdp"
                    + (update ? " or application/rs-metadata+xml" : ""));
        }
        String boundary = type.parameter("boundary");
        if (boundary == null || boundary.isEmpty()) {
            throw new SiprecException(400, "multipart body without a boundary parameter");
        }
        if (!BOUNDARY.matcher(boundary).matches()) {
            throw new SiprecException(400, "multipart boundary is not 1 to 70 visible characters (RFC 2046)");
        }
        // ISO-8859-1 maps every byte to one char, so offsets found here are byte offsets and each
        // part's bytes come back intact for decoding in its own charset.
        List<Part> parts = split(new String(body, StandardCharsets.ISO_8859_1), "--" + boundary);
        String sdp = null;
        String metadata = null;
        String metadataType = null;
        List<String> types = new ArrayList<>();
        for (Part part : parts) {
            types.add(part.contentType());
            if (part.contentType().equals(SDP)) {
                if (sdp != null) {
                    throw new SiprecException(400, "multipart body with two application/sdp parts");
                }
                sdp = part.body();
            }
            else if (metadata == null && isMetadata(part)) {
                metadata = part.body();
                metadataType = part.contentType();
            }
        }
        if (sdp == null && (!update || metadata == null)) {
            throw new SiprecException(415, "multipart body has no application/sdp part (parts: " + types + ")");
        }
        return new MultipartBody(sdp, metadata, metadataType, parts);
    }

    /** Splits at lines that are the delimiter, then parses each part; the preamble and epilogue are dropped. */
    private static List<Part> split(String body, String delimiter) throws SiprecException {
        List<Part> parts = new ArrayList<>();
        int partStart = -1;
        boolean sawDelimiter = false;
        int pos = 0;
        while (pos < body.length()) {
            int newline = body.indexOf('\n', pos);
            int lineEnd = newline < 0 ? body.length() : newline;
            int next = newline < 0 ? body.length() : newline + 1;
            if (body.startsWith(delimiter, pos)) {
                int contentEnd = lineEnd > pos && body.charAt(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
                String rest = body.substring(pos + delimiter.length(), contentEnd);
                boolean close = rest.startsWith("--");
                if ((close ? rest.substring(2) : rest).isBlank()) {
                    sawDelimiter = true;
                    if (partStart >= 0) {
                        // The line break before a delimiter belongs to the delimiter (RFC 2046).
                        int end = pos;
                        if (end > partStart && body.charAt(end - 1) == '\n') {
                            end--;
                        }
                        if (end > partStart && body.charAt(end - 1) == '\r') {
                            end--;
                        }
                        addPart(parts, body.substring(partStart, Math.max(end, partStart)));
                    }
                    if (close) {
                        return parts;
                    }
                    partStart = next;
                }
            }
            pos = next;
        }
        if (!sawDelimiter) {
            throw new SiprecException(400, "multipart body has no line " + delimiter + " (boundary not found)");
        }
        if (partStart >= 0 && partStart < body.length()) {
            // No close delimiter: the SIP Content-Length ended the body; take the last part as it is.
            addPart(parts, body.substring(partStart));
        }
        if (parts.isEmpty()) {
            throw new SiprecException(400, "multipart body has no parts");
        }
        return parts;
    }

    private static void addPart(List<Part> parts, String raw) throws SiprecException {
        if (parts.size() == MAX_PARTS) {
            throw new SiprecException(400, "multipart body with more than " + MAX_PARTS + " parts");
        }
        parts.add(part(raw));
    }

    private static Part part(String raw) throws SiprecException {
        Map<String, String> headers = new LinkedHashMap<>();
        int bodyStart = 0;
        if (HEADER_START.matcher(firstLine(raw, 0)).matches()) {
            int pos = 0;
            String name = null;
            StringBuilder value = new StringBuilder();
            bodyStart = raw.length();
            while (pos < raw.length()) {
                String line = firstLine(raw, pos);
                int next = nextLine(raw, pos);
                if (line.isEmpty()) {
                    bodyStart = next;
                    break;
                }
                if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                    value.append(' ').append(line.strip()); // folded header (RFC 5322 §2.2.3)
                }
                else {
                    putHeader(headers, name, value);
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        throw new SiprecException(400, "Malformed multipart part header '" + abbreviate(line) + "'");
                    }
                    name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                    value.setLength(0);
                    value.append(line.substring(colon + 1).strip());
                }
                pos = next;
            }
            putHeader(headers, name, value);
        }
        else if (firstLine(raw, 0).isEmpty()) {
            bodyStart = nextLine(raw, 0); // the blank line that ends an empty header block
        }
        String content = raw.substring(bodyStart);
        MediaType type = headers.containsKey("content-type") ? MediaType.parse(headers.get("content-type"))
                : new MediaType(sniff(content), Map.of());
        byte[] bytes = content.getBytes(StandardCharsets.ISO_8859_1);
        String encoding = headers.getOrDefault("content-transfer-encoding", "").toLowerCase(Locale.ROOT);
        if (encoding.equals("base64")) {
            try {
                bytes = Base64.getMimeDecoder().decode(bytes);
            }
            catch (IllegalArgumentException e) {
                throw new SiprecException(400, "Malformed base64 in the " + type.type() + " part");
            }
        }
        return new Part(type.type(), headers, decode(bytes, type));
    }

    private static void putHeader(Map<String, String> headers, String name, StringBuilder value)
            throws SiprecException {
        if (name == null) {
            return;
        }
        if (headers.size() == MAX_PART_HEADERS) {
            throw new SiprecException(400, "multipart part with more than " + MAX_PART_HEADERS + " headers");
        }
        headers.putIfAbsent(name, value.toString());
    }

    /**
     * The metadata part: by its type, or (an SRC that labels it plain XML) by the disposition
     * RFC 7866 §9.1 gives it, {@code recording-session}, on an XML type.
     */
    private static boolean isMetadata(Part part) {
        String type = part.contentType();
        if (type.equals(METADATA) || type.equals(METADATA_NO_XML)) {
            return true;
        }
        String disposition = part.headers().getOrDefault("content-disposition", "").toLowerCase(Locale.ROOT);
        return disposition.startsWith("recording-session") && (type.endsWith("/xml") || type.endsWith("+xml"));
    }

    /** A part without a Content-Type: what SBCs that drop part headers put there. */
    private static String sniff(String content) {
        String start = content.stripLeading();
        if (start.startsWith("v=0")) {
            return SDP;
        }
        if (start.startsWith("<") && start.contains("recording")) {
            return METADATA;
        }
        return "text/plain";
    }

    private static String decode(byte[] bytes, MediaType type) {
        Charset charset = StandardCharsets.UTF_8;
        String name = type.parameter("charset");
        if (name != null) {
            try {
                charset = Charset.forName(name);
            }
            catch (IllegalArgumentException unknown) {
                // An unknown charset name: SDP and metadata are ASCII or UTF-8 in practice.
            }
        }
        return new String(bytes, charset);
    }

    private static String firstLine(String text, int pos) {
        int newline = text.indexOf('\n', pos);
        int end = newline < 0 ? text.length() : newline;
        if (end > pos && text.charAt(end - 1) == '\r') {
            end--;
        }
        return text.substring(pos, end);
    }

    private static int nextLine(String text, int pos) {
        int newline = text.indexOf('\n', pos);
        return newline < 0 ? text.length() : newline + 1;
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }

    /** True when the body carried a metadata part. */
    public boolean hasMetadata() {
        return metadata != null;
    }
}
