package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class RawSipHeadersTest {

    private static RawSipHeaders of(String text) {
        return RawSipHeaders.of(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static final String OPTIONS = "OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
            + "From: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n";

    @Test
    void aDuplicateSingleHeaderIsFoundInLongAndCompactForm() {
        assertThat(of(OPTIONS).duplicateSingleHeader()).isNull();
        assertThat(of(OPTIONS.replace("\r\n\r\n", "\r\ni: c2\r\n\r\n")).duplicateSingleHeader())
                .isEqualTo("Duplicate i header");
        assertThat(of(OPTIONS.replace("\r\n\r\n", "\r\nl: 5\r\n\r\n")).duplicateSingleHeader())
                .isEqualTo("Duplicate l header");
        // Headers that may repeat do not count; nor does the body.
        assertThat(of(OPTIONS.replace("\r\n\r\n", "\r\nVia: SIP/2.0/UDP x\r\n\r\nCall-ID: body\r\n"))
                .duplicateSingleHeader()).isNull();
    }

    @Test
    void linesWithoutCarriageReturnAndFoldedValuesAreRead() {
        // The RI's TCP reader hands the parser its lines without CR.
        RawSipHeaders raw = of(OPTIONS.replace("\r\n", "\n").replace("Call-ID: c1", "Call-ID:\n  c1"));
        assertThat(raw.value("call-id")).isEqualTo("c1");
        assertThat(raw.answerable()).isTrue();
        assertThat(raw.isRequest()).isTrue();
    }

    @Test
    void aVersionOtherThan20IsSeenWhereTheRiParserTakesAny() {
        assertThat(of(OPTIONS).otherVersion()).isFalse();
        assertThat(of(OPTIONS.replace("SIP/2.0\r\nVia", "SIP/7.0\r\nVia")).otherVersion()).isTrue();
        assertThat(of(OPTIONS.replace("SIP/2.0\r\nVia", "SIP/2.0  \r\nVia")).otherVersion()).isFalse();
        assertThat(of("SIP/2.0 200 OK\r\n\r\n").otherVersion()).isFalse();
        assertThat(of("SIP/3.0 200 OK\r\n\r\n").otherVersion()).isTrue();
    }

    @Test
    void aDisplayNameMustBeTokensOrQuoted() {
        assertThat(of(OPTIONS.replace("From: <", "From: Bell, Alexander <")).badDisplayName()).contains("From");
        assertThat(of(OPTIONS.replace("From: <", "From: \"Bell, Alexander\" <")).badDisplayName()).isNull();
        assertThat(of(OPTIONS.replace("From: <", "From: token1~` token2'+_ <")).badDisplayName()).isNull();
        assertThat(of(OPTIONS.replace("From: <", "From: caller<")).badDisplayName()).isNull();
    }

    @Test
    void theRefusalCarriesTheRequestsIdentityATagAndNoBody() {
        String response = new String(of(OPTIONS).response(400, "Bad Request (x\r\ny)"), StandardCharsets.ISO_8859_1);
        assertThat(response).startsWith("SIP/2.0 400 Bad Request (x  y)\r\n")
                .contains("Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n", "Call-ID: c1\r\n", "CSeq: 1 OPTIONS\r\n")
                .containsPattern("To: <sip:a@example.com>;tag=[0-9a-f]+\r\n").endsWith("Content-Length: 0\r\n\r\n");
    }

    @Test
    void withoutViaOrCSeqThereIsNothingToAnswer() {
        assertThat(of("INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n").answerable()).isFalse();
        assertThat(of("ACK sip:a@b SIP/2.0\r\n\r\n").isAck()).isTrue();
    }
}
