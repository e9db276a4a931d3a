package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.sip.message.Request;
import javax.sip.message.Response;

import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.MessageFactoryImpl;

import org.callvault.transport.sip.DigestAuthenticator.Verdict;
import org.callvault.transport.sip.SipDigest.Algorithm;
import org.junit.jupiter.api.Test;

/** Challenge and verification on real JAIN-SIP messages, parsed from text as they come off the wire. */
class DigestAuthenticatorTest {

    private static final String USER = "trunk";
    private static final String PASSWORD = "correct-horse-battery";
    private static final String URI = "sip:agents@203.0.113.5:5060";

    private final AtomicLong clock = new AtomicLong();
    private final MessageFactoryImpl messages = new MessageFactoryImpl();
    private final DigestAuthenticator authenticator = new DigestAuthenticator("callvault", Map.of(USER, PASSWORD),
            List.of(Algorithm.SHA_256, Algorithm.MD5), new DigestNonces(Duration.ofMinutes(5), 100, clock::get),
            messages, new HeaderFactoryImpl(), new AddressFactoryImpl());

    @Test
    void noCredentialsGet401WithSha256ThenMd5OneNonceAndQopAuth() throws Exception {
        Response challenge = authenticator.refusal(invite(null));
        assertThat(challenge.getStatusCode()).isEqualTo(401);
        List<Map<String, String>> offers = DigestClient.challenges(challenge.toString());
        assertThat(offers).hasSize(2);
        assertThat(offers).extracting(o -> o.get("algorithm")).containsExactly("SHA-256", "MD5");
        assertThat(offers).allSatisfy(o -> {
            assertThat(o.get("realm")).isEqualTo("callvault");
            assertThat(o.get("qop")).isEqualTo("auth");
            assertThat(o.get("nonce")).isEqualTo(offers.get(0).get("nonce")).hasSize(43);
            assertThat(o).doesNotContainKey("stale");
        });
        assertThat(challenge.toString()).contains("qop=\"auth\"");
        String toTag = ((javax.sip.header.ToHeader) challenge.getHeader("To")).getTag();
        assertThat(toTag).as("a final response carries a To tag").isNotBlank();
        assertThat(((javax.sip.header.ToHeader) authenticator.refusal(invite(null)).getHeader("To")).getTag())
                .as("the same for a retransmission, with no state kept").isEqualTo(toTag);
        assertThat(DigestClient.challenges(authenticator.refusal(invite(null)).toString()).get(0).get("nonce"))
                .as("every challenge a new nonce").isNotEqualTo(offers.get(0).get("nonce"));
    }

    @Test
    void rightCredentialsPassWithEitherAlgorithmAndARisingCount() throws Exception {
        String nonce = nonce();
        assertThat(check("SHA-256", PASSWORD, nonce, URI, "00000001")).isEqualTo(Verdict.ACCEPTED);
        assertThat(check("MD5", PASSWORD, nonce, URI, "00000002")).isEqualTo(Verdict.ACCEPTED);
        assertThat(authenticator.refusal(invite(DigestClient.authorization("SHA-256", USER, PASSWORD, "callvault",
                nonce, "INVITE", URI, "00000003", "c1")))).isNull();
    }

    @Test
    void aReplayedCountIsForbidden() throws Exception {
        String nonce = nonce();
        assertThat(check("SHA-256", PASSWORD, nonce, URI, "00000001")).isEqualTo(Verdict.ACCEPTED);
        assertThat(check("SHA-256", PASSWORD, nonce, URI, "00000001").status()).isEqualTo(403);
        Response refused = authenticator.refusal(invite(DigestClient.authorization("SHA-256", USER, PASSWORD,
                "callvault", nonce, "INVITE", URI, "00000001", "c1")));
        assertThat(refused.getStatusCode()).isEqualTo(403);
        assertThat(refused.getHeader("WWW-Authenticate")).isNull();
    }

    @Test
    void wrongPasswordOrUnknownUserIsForbiddenAndSaysNotWhich() throws Exception {
        String nonce = nonce();
        Verdict wrongPassword = check("SHA-256", "correct-horse-batterY", nonce, URI, "00000001");
        Verdict unknownUser = authenticator.check(invite(DigestClient.authorization("SHA-256", "someone", PASSWORD,
                "callvault", nonce, "INVITE", URI, "00000001", "c1")));
        assertThat(wrongPassword).isEqualTo(Verdict.FORBIDDEN);
        assertThat(unknownUser).isEqualTo(wrongPassword);
        // A wrong guess consumes nothing: the right one still passes with the same nonce and count.
        assertThat(check("SHA-256", PASSWORD, nonce, URI, "00000001")).isEqualTo(Verdict.ACCEPTED);
    }

    @Test
    void anExpiredNonceWithTheRightDigestGetsANewChallengeMarkedStale() throws Exception {
        String nonce = nonce();
        clock.addAndGet(Duration.ofMinutes(5).plusSeconds(1).toNanos());
        assertThat(check("SHA-256", PASSWORD, nonce, URI, "00000001")).isEqualTo(Verdict.STALE);
        Response stale = authenticator.refusal(invite(DigestClient.authorization("MD5", USER, PASSWORD, "callvault",
                nonce, "INVITE", URI, "00000001", "c1")));
        assertThat(stale.getStatusCode()).isEqualTo(401);
        List<Map<String, String>> offers = DigestClient.challenges(stale.toString());
        assertThat(offers).extracting(o -> o.get("stale")).containsOnly("true");
        assertThat(offers.get(0).get("nonce")).isNotEqualTo(nonce);
        // The wrong password on an expired nonce is not told "stale" (that would say the digest was right).
        assertThat(check("SHA-256", "not-the-password", nonce, URI, "00000001")).isEqualTo(Verdict.FORBIDDEN);
        // A nonce this process never issued (another key: a restart) is stale too, for the right digest.
        assertThat(check("SHA-256", PASSWORD, "7ypf_xlj9XXwfDPEoM4URrv_xwf94BcCAzFZH4GiTo0v", URI, "00000001"))
                .isEqualTo(Verdict.STALE);
    }

    @Test
    void uriAlgorithmQopAndFormAreChecked() throws Exception {
        String nonce = nonce();
        assertThat(check("SHA-256", PASSWORD, nonce, "sip:other@203.0.113.5:5060", "00000001").status()).isEqualTo(403);
        assertThat(check("SHA-512-256", PASSWORD, nonce, URI, "00000001").status()).isEqualTo(403);
        String rfc2069 = "Digest username=\"trunk\", realm=\"callvault\", nonce=\"" + nonce + "\", uri=\"" + URI
                + "\", response=\"8ca523f5e9506fed4657c9700eebdbec\", algorithm=MD5";
        assertThat(authenticator.check(invite(rfc2069)).status()).isEqualTo(403);
        String noCount = DigestClient.authorization("SHA-256", USER, PASSWORD, "callvault", nonce, "INVITE", URI,
                "00000001", "c1").replace(", nc=00000001", "");
        assertThat(authenticator.check(invite(noCount)).status()).isEqualTo(400);
        String shortCount = DigestClient.authorization("SHA-256", USER, PASSWORD, "callvault", nonce, "INVITE", URI,
                "1", "c1");
        assertThat(authenticator.check(invite(shortCount)).status()).isEqualTo(400);
        // Credentials for another realm are no credentials for ours: challenge.
        assertThat(authenticator.check(invite(DigestClient.authorization("SHA-256", USER, PASSWORD, "elsewhere",
                nonce, "INVITE", URI, "00000001", "c1")))).isEqualTo(Verdict.CHALLENGE);
        // None of these used the nonce up.
        assertThat(check("SHA-256", PASSWORD, nonce, URI, "00000001")).isEqualTo(Verdict.ACCEPTED);
    }

    @Test
    void anAlgorithmNotOfferedIsRefusedEvenWithTheRightDigest() throws Exception {
        DigestAuthenticator md5Only = new DigestAuthenticator("callvault", Map.of(USER, PASSWORD),
                List.of(Algorithm.MD5), new DigestNonces(Duration.ofMinutes(5), 100, clock::get), messages,
                new HeaderFactoryImpl(), new AddressFactoryImpl());
        List<Map<String, String>> offers = DigestClient.challenges(md5Only.refusal(invite(null)).toString());
        assertThat(offers).extracting(o -> o.get("algorithm")).containsExactly("MD5");
        String nonce = offers.get(0).get("nonce");
        assertThat(md5Only.check(invite(DigestClient.authorization("SHA-256", USER, PASSWORD, "callvault", nonce,
                "INVITE", URI, "00000001", "c1"))).status()).isEqualTo(403);
        assertThat(md5Only.check(invite(DigestClient.authorization("MD5", USER, PASSWORD, "callvault", nonce,
                "INVITE", URI, "00000001", "c1")))).isEqualTo(Verdict.ACCEPTED);
    }

    private String nonce() throws Exception {
        return DigestClient.challenges(authenticator.refusal(invite(null)).toString()).get(0).get("nonce");
    }

    private Verdict check(String algorithm, String password, String nonce, String uri, String nc) throws Exception {
        return authenticator.check(invite(DigestClient.authorization(algorithm, USER, password, "callvault", nonce,
                "INVITE", uri, nc, "0a4f113b")));
    }

    private Request invite(String authorization) throws Exception {
        return messages.createRequest("INVITE " + URI + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK776asdhds\r\n"
                + "From: <sip:1000@198.51.100.7>;tag=1928301774\r\nTo: <sip:agents@203.0.113.5>\r\n"
                + "Call-ID: a84b4c76e66710\r\nCSeq: 2 INVITE\r\nMax-Forwards: 70\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Content-Length: 0\r\n\r\n");
    }
}
