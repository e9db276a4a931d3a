package org.callvault.transport.sip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The arithmetic of HTTP/SIP digest authentication (RFC 7616 section 3.4.1, RFC 8760 for SIP):
 * HA1, HA2 and the {@code response} for {@code qop=auth}, as lowercase hex. Only the hashes come from
 * the JDK ({@link MessageDigest}); this class just joins the strings the RFCs name.
 */
final class SipDigest {

    private static final HexFormat HEX = HexFormat.of();

    /** The digest algorithms CallVault answers, with the names they carry in the headers. */
    enum Algorithm {
        SHA_256("SHA-256", "SHA-256"),
        MD5("MD5", "MD5");

        private final String headerName;
        private final String jdkName;

        Algorithm(String headerName, String jdkName) {
            this.headerName = headerName;
            this.jdkName = jdkName;
        }

        String headerName() {
            return headerName;
        }

        /** Hex length of this algorithm's digests: what a {@code response} must be. */
        int hexLength() {
            return this == MD5 ? 32 : 64;
        }

        /** By its header name, case-insensitively; an absent {@code algorithm} means MD5 (RFC 7616 3.3). */
        static Optional<Algorithm> named(String name) {
            if (name == null) {
                return Optional.of(MD5);
            }
            for (Algorithm algorithm : values()) {
                if (algorithm.headerName.equalsIgnoreCase(name.strip())) {
                    return Optional.of(algorithm);
                }
            }
            return Optional.empty();
        }

        String hash(String text) {
            try {
                MessageDigest digest = MessageDigest.getInstance(jdkName);
                return HEX.formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
            }
            catch (NoSuchAlgorithmException e) {
                // Every JDK must provide MD5 and SHA-256 (java.security.MessageDigest's javadoc).
                throw new IllegalStateException(e);
            }
        }
    }

    private SipDigest() {
    }

    /** HA1 = H(username ":" realm ":" password): fixed per user, so computed once at start-up. */
    static String ha1(Algorithm algorithm, String username, String realm, String password) {
        return algorithm.hash(username + ":" + realm + ":" + password);
    }

    /**
     * The expected {@code response} for {@code qop=auth}: H(HA1 ":" nonce ":" nc ":" cnonce ":" "auth" ":" HA2)
     * with HA2 = H(method ":" uri). {@code nc} is the 8-hex-digit string exactly as the client sent it.
     */
    static String response(Algorithm algorithm, String ha1, String method, String uri, String nonce, String nc,
            String cnonce) {
        String ha2 = algorithm.hash(method + ":" + uri);
        return algorithm.hash(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
    }

    /** Constant-time comparison of two hex digests; case of the client's hex is ignored. */
    static boolean matches(String expectedHex, String givenHex) {
        byte[] expected = expectedHex.getBytes(StandardCharsets.US_ASCII);
        byte[] given = givenHex.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }
}
