package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SdpOfferTest {

    private static final String OFFER = """
            v=0\r
            o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r
            s=-\r
            c=IN IP4 192.0.2.10\r
            t=0 0\r
            m=audio 49170 RTP/AVP 8 0 101\r
            a=rtpmap:8 PCMA/8000\r
            a=rtpmap:0 PCMU/8000\r
            a=rtpmap:101 telephone-event/8000\r
            a=fmtp:101 0-16\r
            a=ptime:30\r
            a=sendonly\r
            """;

    @Test
    void readsAddressPortPreferredLawTelephoneEventPtimeAndDirection() throws Exception {
        SdpOffer offer = SdpOffer.parse(OFFER);
        assertThat(offer.connectionAddress()).isEqualTo("192.0.2.10");
        assertThat(offer.rtpPort()).isEqualTo(49170);
        assertThat(offer.codec()).isEqualTo(SdpOffer.Codec.PCMA); // listed first
        assertThat(offer.codecPayload()).isEqualTo(8);
        assertThat(offer.telephoneEvent()).isEqualTo(101);
        assertThat(offer.ptimeMillis()).isEqualTo(30);
        assertThat(offer.direction()).isEqualTo(SdpOffer.Direction.SENDONLY);
    }

    @Test
    void answerCarriesOneLawTelephoneEventOurPortAndTheMirroredDirection() throws Exception {
        String answer = SdpAnswer.build(SdpOffer.parse(OFFER), "198.51.100.7", 20002, 42, 0);
        assertThat(answer).contains("c=IN IP4 198.51.100.7\r\n", "m=audio 20002 RTP/AVP 8 101\r\n",
                "a=rtpmap:8 PCMA/8000\r\n", "a=rtpmap:101 telephone-event/8000\r\n", "a=ptime:20\r\n",
                "a=recvonly\r\n");
        assertThat(answer).doesNotContain("PCMU");
    }

    /** Wideband when the phone prefers it: G.722 listed first is answered (static 9, or an rtpmap). */
    @Test
    void g722ListedFirstIsAnsweredAndG711FirstStaysG711() throws Exception {
        SdpOffer wideband = SdpOffer.parse(OFFER.replace("RTP/AVP 8 0 101", "RTP/AVP 9 8 0 101"));
        assertThat(wideband.codec()).isEqualTo(SdpOffer.Codec.G722);
        assertThat(wideband.codecPayload()).isEqualTo(9);
        assertThat(SdpAnswer.build(wideband, "198.51.100.7", 20002, 42, 0))
                .contains("m=audio 20002 RTP/AVP 9 101\r\n", "a=rtpmap:9 G722/8000\r\n").doesNotContain("PCMA");

        SdpOffer mapped = SdpOffer.parse(OFFER.replace("RTP/AVP 8 0 101", "RTP/AVP 9 101")
                .replace("a=rtpmap:8 PCMA/8000", "a=rtpmap:9 g722/8000"));
        assertThat(mapped.codec()).isEqualTo(SdpOffer.Codec.G722);

        SdpOffer narrow = SdpOffer.parse(OFFER.replace("RTP/AVP 8 0 101", "RTP/AVP 0 9 101"));
        assertThat(narrow.codec()).isEqualTo(SdpOffer.Codec.PCMU);
    }

    @Test
    void aVideoStreamIsRefusedWithPortZeroAndTheAudioMediaLevelAddressWins() throws Exception {
        SdpOffer offer = SdpOffer.parse("""
                v=0
                o=- 1 1 IN IP4 10.0.0.1
                s=-
                c=IN IP4 10.0.0.1
                t=0 0
                m=video 5000 RTP/AVP 96
                a=rtpmap:96 H264/90000
                m=audio 4000 RTP/AVP 18 96 0
                c=IN IP4 10.0.0.2
                a=rtpmap:96 PCMU/8000
                """);
        assertThat(offer.connectionAddress()).isEqualTo("10.0.0.2");
        assertThat(offer.codecPayload()).isEqualTo(96); // dynamic PCMU before static 0
        assertThat(offer.direction()).isEqualTo(SdpOffer.Direction.SENDRECV);
        String answer = SdpAnswer.build(offer, "10.0.0.9", 20000, 1, 0);
        assertThat(answer).contains("m=video 0 RTP/AVP 96\r\nm=audio 20000 RTP/AVP 96\r\n");
        assertThat(answer.indexOf("m=video")).isLessThan(answer.indexOf("m=audio"));
    }

    @Test
    void noG711Is488() {
        assertStatus(OFFER.replace("RTP/AVP 8 0 101", "RTP/AVP 18 101").replace("a=rtpmap:8 PCMA/8000\r\n", "")
                .replace("a=rtpmap:0 PCMU/8000\r\n", ""), 488, "Neither PCMU, PCMA nor G722");
    }

    @Test
    void missingOrUnusableOffersAre488() {
        assertStatus(null, 488, "SDP offer is required");
        assertStatus(OFFER.replace("m=audio 49170", "m=audio 0"), 488, "No audio stream");
        assertStatus(OFFER.replace("RTP/AVP 8 0 101", "RTP/SAVP 8 0 101"), 488, "RTP/SAVP");
        assertStatus(OFFER.replace("a=ptime:30", "a=ptime:60"), 488, "ptime 60");
    }

    @Test
    void malformedOffersAre400WithTheReason() {
        assertStatus("x=0\r\n", 400, "v=0");
        assertStatus(OFFER.replace("o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n", ""), 400, "no o=");
        assertStatus(OFFER.replace("c=IN IP4 192.0.2.10", "c=IN IP4 999.0.2.10"), 400, "bad address");
        assertStatus(OFFER.replace("c=IN IP4 192.0.2.10\r\n", ""), 400, "no c=");
        assertStatus(OFFER.replace("m=audio 49170", "m=audio 70000"), 400, "port 70000 out of range");
        assertStatus(OFFER.replace("RTP/AVP 8 0 101", "RTP/AVP 8 zero"), 400, "bad payload type 'zero'");
        assertStatus(OFFER.replace("a=rtpmap:8 PCMA/8000", "a=rtpmap:8"), 400, "a=rtpmap");
        assertStatus(OFFER.replace("s=-", "garbage"), 400, "line 3");
        assertStatus(OFFER.replace("a=ptime:30", "a=ptime:thirty"), 400, "ptime");
    }

    private static void assertStatus(String body, int status, String reason) {
        assertThatThrownBy(() -> SdpOffer.parse(body)).isInstanceOfSatisfying(SdpException.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.getMessage()).contains(reason);
        });
    }
}
