package org.callvault.transport.sip.siprec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.callvault.transport.sip.siprec.RecordingMetadata.Participant;
import org.junit.jupiter.api.Test;

class SiprecOfferTest {

    @Test
    void oneCallGivesStreamsAndWhoSendsEach() throws Exception {
        SiprecFixtures.Invite invite = SiprecFixtures.invite("cisco-cube.sip");
        SiprecOffer offer = SiprecOffer.parse(invite.contentType(), invite.body());
        assertThat(offer.streams().labels()).containsExactly("1", "2");
        assertThat(offer.participantSending("1")).map(Participant::aor).contains("sip:8001@192.0.2.21");
        assertThat(offer.body().parts()).hasSize(3);
    }

    @Test
    void anSdpOnlyReInviteHasUnparsedMetadataButItsStreams() throws Exception {
        String sdp = "v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                + "m=audio 4000 RTP/AVP 0\r\na=label:1\r\na=inactive\r\n";
        SiprecOffer offer = SiprecOffer.parse("application/sdp", sdp.getBytes(StandardCharsets.US_ASCII));
        assertThat(offer.metadata().parsed()).isFalse();
        assertThat(offer.metadata().reason()).isEqualTo("no metadata body");
        assertThat(offer.streams().streams().get(0).direction()).isEqualTo(SdpStreams.Direction.INACTIVE);
        assertThat(offer.participantSending("1")).isEmpty();
    }

    @Test
    void hostileMetadataDoesNotStopTheStreams() throws Exception {
        String body = "--b\r\nContent-Type: application/sdp\r\n\r\nv=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\n"
                + "c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=label:1\r\n--b\r\n"
                + "Content-Type: application/rs-metadata+xml\r\n\r\n" + SiprecFixtures.text("billion-laughs.xml") + "\r\n--b--\r\n";
        SiprecOffer offer = SiprecOffer.parse("multipart/mixed;boundary=b", body.getBytes(StandardCharsets.US_ASCII));
        assertThat(offer.streams().streams()).hasSize(1);
        assertThat(offer.metadata().parsed()).isFalse();
        assertThat(offer.metadata().reason()).contains("DOCTYPE");
    }
}
