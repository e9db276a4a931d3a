package org.callvault.transport.sip;

import java.security.SecureRandom;
import java.text.ParseException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.regex.Pattern;

import javax.sip.address.AddressFactory;
import javax.sip.address.URI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.callvault.transport.sip.SipDigest.Algorithm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Digest authentication of INVITEs from sources outside {@code callvault.sip.trusted} (RFC 3261
 * section 22, RFC 8760 for SHA-256). A request without usable credentials is challenged with one
 * {@code WWW-Authenticate} per offered algorithm, most preferred first (RFC 8760 section 2.4), all with
 * {@code qop="auth"} and one fresh {@link DigestNonces nonce}. Credentials are checked in this order,
 * cheapest first: form, algorithm and qop, uri, then the digest (constant-time), then the nonce and its
 * count. Stateless except for the replay table of {@link DigestNonces}.
 * <p>
 * Answers: 401 (no credentials for our realm; or right digest on an expired or unknown nonce, then
 * with {@code stale=true}), 400 (credentials missing a parameter), 403 (unknown user, wrong digest,
 * replayed count, other uri, algorithm or qop we did not offer). Wrong credentials get 403 and not a
 * new 401: RFC 3261 section 22.2 has the UAC not retry credentials that were just rejected, and 403
 * ("authorization will not help", 21.4.4) says so without inviting an automatic retry loop; a 403
 * never says whether the user name exists.
 */
final class DigestAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(DigestAuthenticator.class);

    private static final Pattern NONCE_COUNT = Pattern.compile("[0-9a-fA-F]{8}");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");

    /** What to answer a request; {@link #ACCEPTED} lets it through. */
    record Verdict(int status, boolean stale, String reason) {

        static final Verdict ACCEPTED = new Verdict(0, false, null);
        static final Verdict CHALLENGE = new Verdict(Response.UNAUTHORIZED, false, null);
        static final Verdict STALE = new Verdict(Response.UNAUTHORIZED, true, null);
        static final Verdict FORBIDDEN = new Verdict(Response.FORBIDDEN, false, "Forbidden");

        boolean accepted() {
            return status == 0;
        }

        static Verdict forbidden(String reason) {
            return new Verdict(Response.FORBIDDEN, false, reason);
        }

        static Verdict malformed(String reason) {
            return new Verdict(Response.BAD_REQUEST, false, reason);
        }
    }

    private final String realm;
    private final List<Algorithm> offered;
    /** HA1 per algorithm and user: the passwords themselves are not kept here. */
    private final Map<Algorithm, Map<String, String>> ha1s = new EnumMap<>(Algorithm.class);
    /** HA1s of no user: an unknown name costs the same hashing as a known one. */
    private final Map<Algorithm, String> decoys = new EnumMap<>(Algorithm.class);
    private final DigestNonces nonces;
    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final AddressFactory addresses;

    /**
     * @param passwords user name to password (validated by CallVaultProperties: non-blank names, 12+ characters)
     * @param offered   the algorithms to offer, most preferred first
     */
    DigestAuthenticator(String realm, Map<String, String> passwords, List<Algorithm> offered, DigestNonces nonces,
            MessageFactory messages, HeaderFactory headers, AddressFactory addresses) {
        if (passwords.isEmpty() || offered.isEmpty()) {
            throw new IllegalArgumentException("digest authentication needs credentials and an algorithm");
        }
        this.realm = realm;
        this.offered = List.copyOf(offered);
        this.nonces = nonces;
        this.messages = messages;
        this.headers = headers;
        this.addresses = addresses;
        byte[] decoy = new byte[16];
        new SecureRandom().nextBytes(decoy);
        for (Algorithm algorithm : this.offered) {
            Map<String, String> byUser = new HashMap<>();
            passwords.forEach((user, password) -> byUser.put(user, SipDigest.ha1(algorithm, user, realm, password)));
            ha1s.put(algorithm, Map.copyOf(byUser));
            decoys.put(algorithm, SipDigest.ha1(algorithm, "", realm, HexFormat.of().formatHex(decoy)));
        }
    }

    /** Null when {@code request} carries valid credentials; else the response to send back (401, 400, 403). */
    Response refusal(Request request) {
        Verdict verdict = check(request);
        if (verdict.accepted()) {
            return null;
        }
        try {
            Response response = messages.createResponse(verdict.status(), request);
            ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
            if (to != null && to.getTag() == null) {
                to.setTag(statelessTag(request));
            }
            if (verdict.status() == Response.UNAUTHORIZED) {
                String nonce = nonces.issue();
                for (Algorithm algorithm : offered) {
                    WWWAuthenticateHeader challenge = headers.createWWWAuthenticateHeader("Digest");
                    challenge.setRealm(realm);
                    challenge.setNonce(nonce);
                    challenge.setAlgorithm(algorithm.headerName());
                    challenge.setQop("auth");
                    if (verdict.stale()) {
                        challenge.setStale(true);
                    }
                    response.addHeader(challenge);
                }
            }
            if (verdict.reason() != null) {
                response.setReasonPhrase(verdict.reason());
            }
            return response;
        }
        catch (ParseException e) {
            throw new IllegalStateException("digest challenge not built", e);
        }
    }

    /** The decision alone (tests call it directly). */
    Verdict check(Request request) {
        AuthorizationHeader credentials = credentialsForOurRealm(request);
        if (credentials == null) {
            return Verdict.CHALLENGE;
        }
        String username = credentials.getUsername();
        String nonce = credentials.getNonce();
        String uri = credentials.getParameter("uri");
        String response = credentials.getResponse();
        if (blank(username) || blank(nonce) || blank(uri) || blank(response)) {
            return Verdict.malformed("Authorization lacks username, nonce, uri or response");
        }
        Algorithm algorithm = Algorithm.named(credentials.getAlgorithm()).filter(offered::contains).orElse(null);
        if (algorithm == null) {
            return Verdict.forbidden("Digest algorithm not offered");
        }
        String qop = credentials.getQop();
        if (qop == null) {
            // RFC 2069 digest has no nc/cnonce: a captured request could be replayed while its nonce lives.
            return Verdict.forbidden("Digest without qop=auth not accepted");
        }
        if (!"auth".equalsIgnoreCase(qop)) {
            return Verdict.forbidden("Only qop=auth is offered");
        }
        String nc = credentials.getParameter("nc");
        String cnonce = credentials.getCNonce();
        if (nc == null || !NONCE_COUNT.matcher(nc).matches() || blank(cnonce)) {
            return Verdict.malformed("qop=auth needs nc (8 hex digits) and cnonce");
        }
        if (response.length() != algorithm.hexLength() || !HEX.matcher(response).matches()) {
            return Verdict.FORBIDDEN;
        }
        if (!sameUri(uri, request.getRequestURI())) {
            return Verdict.forbidden("Digest uri is not the Request-URI");
        }
        String ha1 = ha1s.get(algorithm).get(username);
        boolean known = ha1 != null;
        String expected = SipDigest.response(algorithm, known ? ha1 : decoys.get(algorithm), request.getMethod(), uri,
                nonce, nc, cnonce);
        if (!SipDigest.matches(expected, response) || !known) {
            log.debug("SIP digest refused for user '{}': unknown user or wrong digest", username);
            return Verdict.FORBIDDEN;
        }
        return switch (nonces.use(nonce, Long.parseLong(nc, 16))) {
            case FRESH -> Verdict.ACCEPTED;
            case STALE -> Verdict.STALE;
            case REPLAYED -> {
                log.debug("SIP digest refused for user '{}': nonce count {} replayed", username, nc);
                yield Verdict.FORBIDDEN;
            }
        };
    }

    /** The first Digest credentials for our realm (RFC 3261 22.4: a request may carry several, one per realm). */
    private AuthorizationHeader credentialsForOurRealm(Request request) {
        ListIterator<?> all = request.getHeaders(AuthorizationHeader.NAME);
        while (all != null && all.hasNext()) {
            if (all.next() instanceof AuthorizationHeader header && "Digest".equalsIgnoreCase(header.getScheme())
                    && realm.equals(header.getRealm())) {
                return header;
            }
        }
        return null;
    }

    /** The digest's uri names the Request-URI: equal text, or equal as SIP URIs (RFC 3261 19.1.4). */
    private boolean sameUri(String uri, URI requestUri) {
        if (uri.equals(requestUri.toString())) {
            return true;
        }
        try {
            return addresses.createURI(uri).equals(requestUri);
        }
        catch (ParseException e) {
            return false;
        }
    }

    /**
     * A final response needs a To tag (RFC 3261 8.2.6.2); without state it must be the same for a
     * retransmission of the same request (8.2.7), so it is derived from the request's branch.
     */
    private static String statelessTag(Request request) {
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        String key = via != null && via.getBranch() != null ? via.getBranch() : SipDispatcher.callIdOf(request);
        return "cv" + Integer.toHexString(key.hashCode());
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
