package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;

import org.callvault.transport.sip.SipDigest.Algorithm;
import org.junit.jupiter.api.Test;

/**
 * The digest arithmetic against the published examples: RFC 7616 section 3.9.1 (the same request
 * answered with SHA-256 and with MD5; RFC 8760 uses RFC 7616's computation for SIP) and RFC 2617
 * section 3.5 (MD5).
 */
class SipDigestTest {

    private static final String REALM = "http-auth@example.org";
    private static final String NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private static final String CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    @Test
    void rfc7616Sha256Example() {
        String ha1 = SipDigest.ha1(Algorithm.SHA_256, "Mufasa", REALM, "Circle of Life");
        assertThat(SipDigest.response(Algorithm.SHA_256, ha1, "GET", "/dir/index.html", NONCE, "00000001", CNONCE))
                .isEqualTo("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
    }

    @Test
    void rfc7616Md5Example() {
        String ha1 = SipDigest.ha1(Algorithm.MD5, "Mufasa", REALM, "Circle of Life");
        assertThat(SipDigest.response(Algorithm.MD5, ha1, "GET", "/dir/index.html", NONCE, "00000001", CNONCE))
                .isEqualTo("8ca523f5e9506fed4657c9700eebdbec");
    }

    @Test
    void rfc2617Md5Example() {
        String ha1 = SipDigest.ha1(Algorithm.MD5, "Mufasa", "testrealm@host.com", "Circle Of Life");
        assertThat(SipDigest.response(Algorithm.MD5, ha1, "GET", "/dir/index.html",
                "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b"))
                .isEqualTo("6629fae49393a05397450978507c4ef1");
    }

    @Test
    void everyInputChangesTheResponse() {
        String ha1 = SipDigest.ha1(Algorithm.SHA_256, "Mufasa", REALM, "Circle of Life");
        String right = SipDigest.response(Algorithm.SHA_256, ha1, "GET", "/dir/index.html", NONCE, "00000001", CNONCE);
        assertThat(SipDigest.response(Algorithm.SHA_256, ha1, "GET", "/dir/index.html", NONCE, "00000002", CNONCE))
                .isNotEqualTo(right);
        assertThat(SipDigest.response(Algorithm.SHA_256, ha1, "INVITE", "/dir/index.html", NONCE, "00000001", CNONCE))
                .isNotEqualTo(right);
        assertThat(SipDigest.response(Algorithm.SHA_256, SipDigest.ha1(Algorithm.SHA_256, "Mufasa", REALM,
                "circle of life"), "GET", "/dir/index.html", NONCE, "00000001", CNONCE)).isNotEqualTo(right);
    }

    @Test
    void comparisonIgnoresHexCaseAndRefusesOtherLengths() {
        assertThat(SipDigest.matches("8ca523f5e9506fed4657c9700eebdbec", "8CA523F5E9506FED4657C9700EEBDBEC")).isTrue();
        assertThat(SipDigest.matches("8ca523f5e9506fed4657c9700eebdbec", "8ca523f5e9506fed4657c9700eebdbe")).isFalse();
        assertThat(SipDigest.matches("8ca523f5e9506fed4657c9700eebdbec", "8ca523f5e9506fed4657c9700eebdbed")).isFalse();
    }

    @Test
    void algorithmNamesAsInTheHeaders() {
        assertThat(Algorithm.named("sha-256")).contains(Algorithm.SHA_256);
        assertThat(Algorithm.named("MD5")).contains(Algorithm.MD5);
        assertThat(Algorithm.named(null)).contains(Algorithm.MD5); // RFC 7616 3.3: absent means MD5
        assertThat(Algorithm.named("SHA-512-256")).isEmpty();
    }
}
