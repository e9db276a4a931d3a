package org.callvault.transport.sip.siprec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class MultipartBodyTest {

    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0\r\na=label:1\r\na=sendonly\r\n";
    private static final String XML = "<?xml version=\"1.0\"?>\r\n<recording xmlns='urn:ietf:params:xml:ns:recording:1'>"
            + "<datamode>complete</datamode></recording>\r\n";

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static int statusOf(String contentType, byte[] body) {
        return SiprecFixtures.statusOf(() -> MultipartBody.parse(contentType, body));
    }

    @ParameterizedTest
    @FieldSource("org.callvault.transport.sip.siprec.SiprecFixtures#INVITES")
    void everyVendorBodySplitsIntoItsSdpAndItsMetadata(String name) throws Exception {
        SiprecFixtures.Invite invite = SiprecFixtures.invite(name);
        assertThat(invite.body()).as("Content-Length of %s", name)
                .hasSize(Integer.parseInt(invite.headers().get("content-length")));
        MultipartBody body = invite.split();
        assertThat(body.sdp()).startsWith("v=0").contains("m=audio").doesNotContain("--");
        assertThat(body.metadata()).contains("recording").doesNotContain("Content-Type");
        assertThat(body.metadata().strip()).startsWith("<?xml").endsWith("recording>");
        assertThat(body.hasMetadata()).isTrue();
    }

    @Test
    void ciscoGtdPartIsKeptButIgnored() throws Exception {
        MultipartBody body = SiprecFixtures.invite("cisco-cube.sip").split();
        assertThat(body.parts()).extracting(MultipartBody.Part::contentType)
                .containsExactly("application/sdp", "application/rs-metadata+xml", "application/gtd");
        assertThat(body.parts().get(0).headers()).containsEntry("content-disposition", "session;handling=required");
        assertThat(body.parts().get(2).body()).startsWith("IAM,").contains("GCI,6ee7b1d8");
        // The CRLF before the next delimiter belongs to the delimiter, the blank line before it to the part.
        assertThat(body.sdp()).endsWith("a=label:2\r\n");
    }

    @Test
    void audioCodesMetadataWithoutXmlSuffixAndAQuotedBoundaryIsTaken() throws Exception {
        MultipartBody body = SiprecFixtures.invite("audiocodes.sip").split();
        assertThat(body.metadataType()).isEqualTo("application/rs-metadata");
        assertThat(body.metadata()).contains("participant_id=\"+12125550100\"");
    }

    @Test
    void lfLineEndsPreambleAndExtraPartHeadersAreTaken() throws Exception {
        MultipartBody oracle = SiprecFixtures.invite("oracle-acme.sip").split();
        assertThat(oracle.sdp()).contains("a=label:16777227\n").doesNotContain("\r");
        MultipartBody broadWorks = SiprecFixtures.invite("broadworks.sip").split();
        assertThat(broadWorks.parts()).hasSize(2); // the preamble is not a part
        assertThat(broadWorks.sdp()).endsWith("a=label:2");
        assertThat(SiprecFixtures.invite("broadworks.sip").body().length).isBetween(3400, 3800);
        MultipartBody ribbon = SiprecFixtures.invite("ribbon.sip").split();
        assertThat(ribbon.parts().get(0).headers()).containsKey("content-length");
    }

    @Test
    void aPlainSdpBodyIsAnOfferWithoutMetadata() throws Exception {
        MultipartBody body = MultipartBody.parse("application/sdp", ascii(SDP));
        assertThat(body.sdp()).isEqualTo(SDP);
        assertThat(body.metadata()).isNull();
        assertThat(body.parts()).isEmpty();
    }

    @Test
    void partsWithoutHeadersAreSniffedAndAMissingCloseDelimiterEndsAtTheBody() throws Exception {
        String text = "--b1\r\n\r\n" + SDP + "\r\n--b1\r\n" + XML;
        MultipartBody body = MultipartBody.parse("multipart/mixed; Boundary = b1 ;", ascii(text));
        assertThat(body.sdp()).isEqualTo(SDP);
        assertThat(body.metadata()).isEqualTo(XML);
        assertThat(body.metadataType()).isEqualTo(MultipartBody.METADATA);
    }

    @Test
    void foldedHeadersDelimiterPaddingAndBase64AreTaken() throws Exception {
        String text = "preamble\n--b2  \nContent-Type:\n application/sdp\n\n" + SDP.replace("\r", "")
                + "\n--b2\nContent-Type: application/rs-metadata+xml; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n"
                + Base64.getMimeEncoder().encodeToString(ascii(XML)) + "\n--b2--  \nepilogue\n--b2\nContent-Type: x/y\n\nz\n";
        MultipartBody body = MultipartBody.parse("multipart/mixed;boundary=\"b2\"", ascii(text));
        assertThat(body.sdp()).isEqualTo(SDP.replace("\r", ""));
        assertThat(body.metadata()).isEqualTo(XML);
        assertThat(body.parts()).hasSize(2); // nothing after the close delimiter
    }

    @Test
    void plainXmlWithTheRecordingSessionDispositionIsMetadataButWithoutItIsNot() throws Exception {
        String text = "--b\r\nContent-Type: application/sdp\r\n\r\n" + SDP
                + "--b\r\nContent-Type: application/xml\r\nContent-Disposition: recording-session\r\n\r\n" + XML + "--b--\r\n";
        MultipartBody body = MultipartBody.parse("multipart/mixed;boundary=b", ascii(text));
        assertThat(body.metadata()).isEqualTo(XML.substring(0, XML.length() - 2));
        assertThat(body.metadataType()).isEqualTo("application/xml");
        MultipartBody other = MultipartBody.parse("multipart/mixed;boundary=b",
                ascii(text.replace("Content-Disposition: recording-session\r\n", "")));
        assertThat(other.metadata()).isNull();
        assertThat(other.parts()).hasSize(2);
    }

    @Test
    void metadataInUtf8KeepsItsCharacters() throws Exception {
        String xml = "<recording xmlns='urn:ietf:params:xml:ns:recording:1'><participant participant_id='1'>"
                + "<nameID aor='sip:j@x'><name>Jürgen Ω</name></nameID></participant></recording>";
        String text = "--b\r\nContent-Type: application/sdp\r\n\r\n" + SDP + "--b\r\nContent-Type: application/rs-metadata+xml\r\n\r\n"
                + xml + "\r\n--b--\r\n";
        assertThat(MultipartBody.parse("multipart/mixed;boundary=b", ascii(text)).metadata()).contains("Jürgen Ω");
    }

    @Test
    void malformedBodiesAreRefusedWithTheStatusToAnswer() {
        SiprecFixtures.Invite missing = SiprecFixtures.invite("missing-boundary.sip");
        assertThatThrownBy(missing::split).isInstanceOf(SiprecException.class)
                .hasMessageContaining("without a boundary").extracting(e -> ((SiprecException) e).status()).isEqualTo(400);
        SiprecFixtures.Invite broken = SiprecFixtures.invite("broken-boundary.sip");
        assertThatThrownBy(broken::split).hasMessageContaining("boundary not found");
        assertThat(statusOf(broken.contentType(), broken.body())).isEqualTo(400);

        String onlyMetadata = "--b\r\nContent-Type: application/rs-metadata+xml\r\n\r\n" + XML + "--b--\r\n";
        assertThat(statusOf("multipart/mixed;boundary=b", ascii(onlyMetadata))).isEqualTo(415);
        assertThat(statusOf("text/plain", ascii(SDP))).isEqualTo(415);
        assertThat(statusOf("multipart/mixed;boundary=b", new byte[0])).isEqualTo(488);
        assertThat(statusOf("multipart/mixed;boundary=" + "x".repeat(71), ascii(SDP))).isEqualTo(400);
        assertThat(statusOf("multipart/mixed;boundary=\"b", ascii(SDP))).isEqualTo(400);
        assertThat(statusOf(null, ascii(SDP))).isEqualTo(400);
        assertThat(statusOf("multipart", ascii(SDP))).isEqualTo(400);
        String twoSdp = "--b\r\nContent-Type: application/sdp\r\n\r\n" + SDP + "--b\r\nContent-Type: application/sdp\r\n\r\n"
                + SDP + "--b--\r\n";
        assertThat(statusOf("multipart/mixed;boundary=b", ascii(twoSdp))).isEqualTo(400);
        String badHeader = "--b\r\nContent-Type: application/sdp\r\nno colon here\r\n\r\n" + SDP + "--b--\r\n";
        assertThat(statusOf("multipart/mixed;boundary=b", ascii(badHeader))).isEqualTo(400);
    }

    @Test
    void limitsBoundSizePartsAndHeaders() {
        byte[] megabyte = new byte[1024 * 1024];
        java.util.Arrays.fill(megabyte, (byte) 'a');
        assertThatThrownBy(() -> MultipartBody.parse("multipart/mixed;boundary=b", megabyte))
                .hasMessageContaining("over 65536").extracting(e -> ((SiprecException) e).status()).isEqualTo(413);

        StringBuilder nine = new StringBuilder("--b\r\nContent-Type: application/sdp\r\n\r\n" + SDP);
        for (int i = 0; i < 8; i++) {
            nine.append("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n");
        }
        nine.append("--b--\r\n");
        assertThatThrownBy(() -> MultipartBody.parse("multipart/mixed;boundary=b", ascii(nine.toString())))
                .hasMessageContaining("more than 8 parts");

        StringBuilder headers = new StringBuilder("--b\r\nContent-Type: application/sdp\r\n");
        for (int i = 0; i < 16; i++) {
            headers.append("X-").append(i).append(": y\r\n");
        }
        headers.append("\r\n").append(SDP).append("--b--\r\n");
        assertThat(statusOf("multipart/mixed;boundary=b", ascii(headers.toString()))).isEqualTo(400);
        assertThat(statusOf("multipart/mixed;boundary=b;" + "p=v;".repeat(300), ascii(SDP))).isEqualTo(400);
    }
}
