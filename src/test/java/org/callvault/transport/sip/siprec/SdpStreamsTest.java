package org.callvault.transport.sip.siprec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.callvault.transport.sip.siprec.SdpStreams.Direction;
import org.callvault.transport.sip.siprec.SdpStreams.Encoding;
import org.callvault.transport.sip.siprec.SdpStreams.Format;
import org.callvault.transport.sip.siprec.SdpStreams.MediaStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class SdpStreamsTest {

    static SdpStreams offer(String fixture) throws SiprecException {
        return SdpStreams.parse(SiprecFixtures.invite(fixture).split().sdp());
    }

    private static int statusOf(String sdp) {
        return SiprecFixtures.statusOf(() -> SdpStreams.parse(sdp));
    }

    @ParameterizedTest
    @FieldSource("org.callvault.transport.sip.siprec.SiprecFixtures#INVITES")
    void everyVendorOfferHasTwoLabelledAudioStreamsOnTheirOwnPorts(String name) throws Exception {
        SdpStreams offer = offer(name);
        assertThat(offer.streams()).hasSize(2).allMatch(MediaStream::isAudio);
        assertThat(offer.labels()).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(offer.streams().get(0).port()).isNotEqualTo(offer.streams().get(1).port()).isPositive();
        assertThat(offer.streams()).allMatch(s -> s.connectionAddress() != null && !s.payloads().isEmpty());
    }

    @Test
    void ciscoStreamsAreSendonlyPcmuWithTelephoneEventAndPtime() throws Exception {
        SdpStreams offer = offer("cisco-cube.sip");
        assertThat(offer.labels()).containsExactly("1", "2");
        MediaStream first = offer.streams().get(0);
        assertThat(first.port()).isEqualTo(16384);
        assertThat(first.connectionAddress()).isEqualTo("192.0.2.10");
        assertThat(first.direction()).isEqualTo(Direction.SENDONLY);
        assertThat(first.ptimeMillis()).isEqualTo(20);
        assertThat(first.payloads()).extracting(Format::encoding).containsExactly(Encoding.PCMU, Encoding.TELEPHONE_EVENT);
        assertThat(first.telephoneEvent(8000)).map(Format::fmtp).contains("0-16");
        assertThat(offer.byLabel("2")).map(MediaStream::port).contains(16386);
    }

    @Test
    void oracleNumericLabelsAndRibbonSessionLevelDefaultsAndMediaLevelConnection() throws Exception {
        assertThat(offer("oracle-acme.sip").labels()).containsExactly("16777227", "16777228");
        SdpStreams ribbon = offer("ribbon.sip");
        // Session-level a=sendonly applies to both; the second m-line's c= overrides the session's.
        assertThat(ribbon.streams()).extracting(MediaStream::direction).containsOnly(Direction.SENDONLY);
        assertThat(ribbon.streams()).extracting(MediaStream::connectionAddress)
                .containsExactly("192.0.2.34", "192.0.2.35");
        assertThat(ribbon.streams().get(0).ptimeMillis()).isZero(); // maxptime is not ptime
    }

    @Test
    void audioCodesStartsInactiveAndOffersOpusFirst() throws Exception {
        SdpStreams offer = offer("audiocodes.sip");
        assertThat(offer.streams()).extracting(MediaStream::direction).containsOnly(Direction.INACTIVE);
        Format opus = offer.streams().get(0).payloads().get(0);
        assertThat(opus).isEqualTo(new Format(96, Encoding.OPUS, "opus", 48000, 2, "useinbandfec=1;maxaveragebitrate=32000"));
        assertThat(opus.rtpmap()).isEqualTo("opus/48000/2");
        assertThat(offer.streams().get(0).telephoneEvent(48000)).isEmpty(); // 102 is mapped but not in the m-line
        assertThat(offer.streams().get(0).telephoneEvent(8000)).map(Format::payload).contains(101);
    }

    @Test
    void avayaG729IsRecognisedButNotRecordable() throws Exception {
        MediaStream second = offer("avaya-sbce.sip").streams().get(1);
        assertThat(second.payloads().get(0).encoding()).isEqualTo(Encoding.G729);
        assertThat(second.payloads().get(0).encoding().recordable()).isFalse();
        assertThat(Encoding.PCMA.recordable()).isTrue();
    }

    @Test
    void staticPayloadsWordLabelsLfLineEndsAndOtherMediaAreRead() throws Exception {
        SdpStreams offer = SdpStreams.parse("""
                v=0
                o=- 1 1 IN IP6 2001:db8::1
                s=-
                c=IN IP6 2001:db8::1
                t=0 0
                a=ptime:30
                m=audio 5000/2 RTP/AVP 9 8 0 18 3
                a=label:caller
                m=video 0 RTP/AVP 31
                a=label:video
                m=audio 5004 RTP/SAVP 0
                a=label:callee
                a=ptime:10
                a=recvonly
                """);
        assertThat(offer.labels()).containsExactly("caller", "video", "callee");
        MediaStream caller = offer.streams().get(0);
        assertThat(caller.port()).isEqualTo(5000);
        assertThat(caller.connectionAddress()).isEqualTo("2001:db8::1");
        assertThat(caller.ptimeMillis()).isEqualTo(30);
        assertThat(caller.direction()).isEqualTo(Direction.SENDRECV);
        assertThat(caller.payloads()).extracting(Format::encoding)
                .containsExactly(Encoding.G722, Encoding.PCMA, Encoding.PCMU, Encoding.G729, Encoding.OTHER);
        assertThat(offer.streams().get(1).isAudio()).isFalse();
        assertThat(offer.streams().get(2).ptimeMillis()).isEqualTo(10);
        assertThat(offer.streams().get(2).direction()).isEqualTo(Direction.RECVONLY);
        assertThat(offer.streams().get(2).protocol()).isEqualTo("RTP/SAVP");
    }

    @Test
    void malformedOrUnanswerableOffersAreRefusedWithTheirStatus() {
        String head = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n";
        assertThat(statusOf(null)).isEqualTo(488);
        assertThat(statusOf("o=- 1 1 IN IP4 192.0.2.1\r\n")).isEqualTo(400);
        assertThat(statusOf("v=0\r\nm=audio 1 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\n")).isEqualTo(400); // no o=
        assertThat(statusOf(head)).isEqualTo(488); // no m-line
        assertThat(statusOf(head + "c=IN IP4 192.0.2.1\r\nm=video 4000 RTP/AVP 31\r\n")).isEqualTo(488);
        assertThat(statusOf(head + "m=audio 4000 RTP/AVP 0\r\n")).isEqualTo(400); // no c=
        assertThat(statusOf(head + "c=IN IP4 192.0.2.1\r\nm=audio 70000 RTP/AVP 0\r\n")).isEqualTo(400);
        assertThat(statusOf(head + "c=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 0 x\r\n")).isEqualTo(400);
        assertThat(statusOf(head + "c=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 200\r\n")).isEqualTo(400);
        assertThat(statusOf(head + "c=IN IP4 192.0.2.1\r\nm=audio 4000\r\n")).isEqualTo(400);
        assertThat(statusOf(head + "c=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 96\r\na=rtpmap:96 opus\r\n")).isEqualTo(400);
        assertThat(statusOf(head + "c=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 0\r\na=label:\r\n")).isEqualTo(400);
        assertThat(statusOf(head + "c=IN XX 192.0.2.1\r\nm=audio 4000 RTP/AVP 0\r\n")).isEqualTo(400);
        assertThat(statusOf(head + "c=IN IP4 <script>\r\nm=audio 4000 RTP/AVP 0\r\n")).isEqualTo(400);
        assertThat(statusOf(head + "c=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 0\r\nX=1\r\n")).isEqualTo(400);
        assertThat(statusOf(head + "c=IN IP4 192.0.2.1\r\n" + "m=audio 4000 RTP/AVP 0\r\n".repeat(17))).isEqualTo(488);
        assertThat(statusOf(head + "c=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP" + " 0".repeat(33) + "\r\n")).isEqualTo(400);
        assertThat(statusOf(head + "a=x\r\n".repeat(7000))).isEqualTo(413);
    }

    @Test
    void theLineNumberIsInTheReason() {
        assertThatThrownBy(() -> SdpStreams.parse("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nc=IN IP4 192.0.2.1\r\nm=audio x RTP/AVP 0\r\n"))
                .hasMessage("Malformed SDP line 4: bad port 'x'");
    }

    @Test
    void aStreamWithoutConnectionButDisabledIsFine() throws Exception {
        SdpStreams offer = SdpStreams.parse("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n"
                + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 192.0.2.9\r\n");
        assertThat(offer.streams()).extracting(MediaStream::connectionAddress).isEqualTo(java.util.Arrays.asList(null, "192.0.2.9"));
        assertThat(offer.streams().get(0).port()).isZero();
        assertThat(List.of(offer.streams().get(1).label() == null)).containsExactly(true);
    }
}
