package org.callvault.transport.sip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client's side of SIP digest, written for the tests apart from the server's {@link SipDigest}:
 * reads the challenges of a 401 and writes an Authorization header value.
 */
final class DigestClient {

    private static final Pattern CHALLENGE = Pattern.compile("(?im)^WWW-Authenticate:\\s*Digest\\s+(.*)$");
    private static final Pattern PARAM = Pattern.compile("([a-zA-Z-]+)=(\"([^\"]*)\"|[^,\\s]+)");

    private DigestClient() {
    }

    /** The parameters of each WWW-Authenticate header of a response, in their order. */
    static List<Map<String, String>> challenges(String response) {
        List<Map<String, String>> all = new ArrayList<>();
        Matcher header = CHALLENGE.matcher(response);
        while (header.find()) {
            Map<String, String> params = new LinkedHashMap<>();
            Matcher param = PARAM.matcher(header.group(1).strip());
            while (param.find()) {
                params.put(param.group(1).toLowerCase(), param.group(3) != null ? param.group(3) : param.group(2));
            }
            all.add(params);
        }
        return all;
    }

    /** {@code Digest username=..., response=...} for qop=auth. */
    static String authorization(String algorithm, String username, String password, String realm, String nonce,
            String method, String uri, String nc, String cnonce) {
        String jdk = algorithm.equals("MD5") ? "MD5" : "SHA-256";
        String ha1 = hex(jdk, username + ":" + realm + ":" + password);
        String ha2 = hex(jdk, method + ":" + uri);
        String response = hex(jdk, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
        return "Digest username=\"" + username + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", response=\"" + response + "\", algorithm=" + algorithm + ", cnonce=\"" + cnonce
                + "\", qop=auth, nc=" + nc;
    }

    private static String hex(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm)
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
