package org.callvault.transport.sip.siprec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import org.callvault.transport.sip.siprec.SdpStreams.Direction;
import org.callvault.transport.sip.siprec.SdpStreams.Encoding;
import org.callvault.transport.sip.siprec.SdpStreams.Format;
import org.callvault.transport.sip.siprec.SdpStreams.MediaStream;
import org.callvault.transport.sip.siprec.SiprecAnswer.Choice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class SiprecAnswerTest {

    private static final List<Integer> PORTS = List.of(20000, 20002);

    @ParameterizedTest
    @FieldSource("org.callvault.transport.sip.siprec.SiprecFixtures#INVITES")
    void everyVendorOfferGetsOneRecvonlyOrInactiveLineInOrderWithItsLabel(String name) throws Exception {
        SdpStreams offer = SdpStreamsTest.offer(name);
        SiprecAnswer answer = SiprecAnswer.build(offer, "198.51.100.7", PORTS, 42, 1);
        // The answer is itself an SDP: it parses, and line up with the offer stream by stream.
        SdpStreams parsed = SdpStreams.parse(answer.sdp());
        assertThat(parsed.labels()).isEqualTo(offer.labels());
        for (MediaStream answered : parsed.streams()) {
            assertThat(answered.connectionAddress()).isEqualTo("198.51.100.7");
            Choice choice = answer.choices().get(answered.index());
            if (answered.port() != 0) {
                assertThat(answered.direction()).isIn(Direction.RECVONLY, Direction.INACTIVE);
            }
            assertThat(answered.port()).isEqualTo(choice.localPort());
            if (choice.accepted()) {
                assertThat(answered.payloads().get(0).encoding()).isEqualTo(choice.codec().encoding());
            }
        }
        assertThat(answer.sdp()).startsWith("v=0\r\no=CallVault 42 1 IN IP4 198.51.100.7\r\n").doesNotContain("sendonly");
    }

    @Test
    void ciscoAnswerIsTwoRecvonlyPcmuStreamsWithTelephoneEvent() throws Exception {
        SiprecAnswer answer = SiprecAnswer.build(SdpStreamsTest.offer("cisco-cube.sip"), "198.51.100.7", PORTS, 7, 0);
        assertThat(answer.sdp()).contains("m=audio 20000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=label:1\r\na=recvonly\r\n",
                "m=audio 20002 RTP/AVP 0 101\r\n", "a=label:2\r\na=recvonly\r\n");
        assertThat(answer.choices()).extracting(Choice::localPort).containsExactly(20000, 20002);
        assertThat(answer.choices()).extracting(c -> c.telephoneEvent().payload()).containsExactly(101, 101);
    }

    @Test
    void inactiveOfferIsAnsweredInactiveAndG711IsPreferredOverOpus() throws Exception {
        SiprecAnswer answer = SiprecAnswer.build(SdpStreamsTest.offer("audiocodes.sip"), "198.51.100.7", PORTS, 7, 0);
        assertThat(answer.choices()).extracting(Choice::direction).containsOnly(Direction.INACTIVE);
        // PCMA comes before PCMU in the offer: the offerer's order among equals is kept.
        assertThat(answer.choices()).extracting(c -> c.codec().encoding()).containsOnly(Encoding.PCMA);
        assertThat(answer.sdp()).contains("m=audio 20000 RTP/AVP 8 101\r\n", "a=inactive\r\n").doesNotContain("opus");
    }

    @Test
    void opusIsAnsweredWithItsParametersWhenOnlyOpusIsAccepted() throws Exception {
        SiprecAnswer answer = SiprecAnswer.build(SdpStreamsTest.offer("audiocodes.sip"), "198.51.100.7", PORTS, 7, 0,
                EnumSet.of(Encoding.OPUS));
        assertThat(answer.sdp()).contains("m=audio 20000 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2\r\n"
                + "a=fmtp:96 useinbandfec=1;maxaveragebitrate=32000\r\n");
        Format opus = answer.choices().get(0).codec();
        assertThat(opus.clockRate()).isEqualTo(48000);
        assertThat(answer.choices().get(0).telephoneEvent()).isNull(); // only an 8 kHz one offered
    }

    @Test
    void aG729OnlyStreamIsRefusedWithPortZeroAndTheOtherRecorded() throws Exception {
        SiprecAnswer answer = SiprecAnswer.build(SdpStreamsTest.offer("avaya-sbce.sip"), "198.51.100.7", PORTS, 7, 0);
        assertThat(answer.choices().get(0).codec().encoding()).isEqualTo(Encoding.PCMA);
        Choice refused = answer.choices().get(1);
        assertThat(refused.accepted()).isFalse();
        assertThat(refused.localPort()).isZero();
        assertThat(refused.refusal()).contains("G729");
        assertThat(answer.sdp()).contains("m=audio 20000 RTP/AVP 8 101\r\n", "m=audio 0 RTP/AVP 18\r\na=label:2\r\n");
    }

    @Test
    void streamsWeCannotTakeAreRefusedAndNothingToRecordIs488() throws Exception {
        SdpStreams offer = SdpStreams.parse("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                + "m=audio 4000 RTP/SAVP 0\r\na=label:a\r\nm=video 4002 RTP/AVP 31\r\nm=audio 0 RTP/AVP 0\r\n"
                + "m=audio 4006 RTP/AVP 0\r\na=sendrecv\r\nm=audio 4008 RTP/AVP 0\r\na=recvonly\r\n");
        SiprecAnswer answer = SiprecAnswer.build(offer, "2001:db8::7", List.of(1, 2, 3, 4, 0), 1, 0);
        assertThat(answer.choices()).extracting(Choice::refusal).containsExactly("RTP/SAVP is not supported; offer RTP/AVP",
                "video is not recorded", "disabled in the offer (port 0)", null, "no local port");
        assertThat(answer.choices().get(3).direction()).isEqualTo(Direction.RECVONLY); // sendrecv re-INVITEs happen
        assertThat(answer.sdp()).contains("c=IN IP6 2001:db8::7", "m=audio 0 RTP/SAVP 0\r\na=label:a\r\n",
                "m=video 0 RTP/AVP 31\r\n", "m=audio 4 RTP/AVP 0\r\n");

        SdpStreams g729 = SdpStreams.parse("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                + "m=audio 4000 RTP/AVP 18\r\nm=audio 4002 RTP/AVP 18\r\n");
        assertThatThrownBy(() -> SiprecAnswer.build(g729, "192.0.2.7", PORTS, 1, 0))
                .isInstanceOf(SiprecException.class).hasMessageContaining("No stream can be recorded")
                .extracting(e -> ((SiprecException) e).status()).isEqualTo(488);
        assertThatThrownBy(() -> SiprecAnswer.build(g729, "192.0.2.7", List.of(1), 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRecvonlyOfferIsAnsweredInactive() throws Exception {
        SdpStreams offer = SdpStreams.parse("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                + "a=recvonly\r\nm=audio 4000 RTP/AVP 9\r\n");
        SiprecAnswer answer = SiprecAnswer.build(offer, "192.0.2.7", List.of(5000), 1, 0);
        assertThat(answer.choices().get(0).direction()).isEqualTo(Direction.INACTIVE);
        assertThat(answer.sdp()).contains("a=rtpmap:9 G722/8000\r\n", "a=inactive\r\n");
    }
}
