package org.callvault.transport.sip.siprec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.callvault.transport.sip.siprec.RecordingMetadata.DataMode;
import org.callvault.transport.sip.siprec.RecordingMetadata.Participant;
import org.callvault.transport.sip.siprec.RecordingMetadata.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class RecordingMetadataTest {

    static RecordingMetadata metadata(String fixture) throws SiprecException {
        return RecordingMetadata.parse(SiprecFixtures.invite(fixture).split().metadata());
    }

    /** Every field of a result, to search it for what must not leak (file contents, entity text). */
    private static String everything(RecordingMetadata m) {
        return m.toString();
    }

    @ParameterizedTest
    @FieldSource("org.callvault.transport.sip.siprec.SiprecFixtures#INVITES")
    void everyVendorMetadataIsReadWithTwoParticipantsAndTheRawBodyKept(String name) throws Exception {
        String raw = SiprecFixtures.invite(name).split().metadata();
        RecordingMetadata m = RecordingMetadata.parse(raw);
        assertThat(m.parsed()).as(m.reason()).isTrue();
        assertThat(m.reason()).isNull();
        assertThat(m.rawXml()).isEqualTo(raw);
        assertThat(m.sessionId()).isNotBlank();
        assertThat(m.participants()).hasSize(2).allMatch(p -> p.aor() != null && p.aor().contains("@"));
    }

    @ParameterizedTest
    @FieldSource("org.callvault.transport.sip.siprec.SiprecFixtures#INVITES")
    void everySdpLabelBelongsToOneParticipantWhenTheMetadataHasStreams(String name) throws Exception {
        SdpStreams offer = SdpStreamsTest.offer(name);
        RecordingMetadata m = metadata(name);
        if (m.streams().isEmpty()) {
            return; // OpenSIPS: asserted on its own below
        }
        assertThat(offer.labels()).allSatisfy(label -> assertThat(m.participantSending(label)).isPresent());
        assertThat(m.participantSending(offer.labels().get(0)))
                .isNotEqualTo(m.participantSending(offer.labels().get(1)));
    }

    @Test
    void rfc7865CompleteExample() {
        RecordingMetadata m = RecordingMetadata.parse(SiprecFixtures.text("rfc7865-complete.xml"));
        assertThat(m.parsed()).isTrue();
        assertThat(m.dataMode()).isEqualTo(DataMode.COMPLETE);
        assertThat(m.sessionId()).isEqualTo("hVpd7YQgRW2nD22h7q60JQ==");
        assertThat(m.groupId()).isEqualTo("7+OTCyoxTmqmqyA/1weDAg==");
        assertThat(m.sipSessionId()).isEqualTo("ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2");
        assertThat(m.streams()).extracting(Stream::label).containsExactly("96", "97", "98", "99");
        assertThat(m.streams()).extracting(Stream::sessionId).containsOnly("hVpd7YQgRW2nD22h7q60JQ==");
        Participant alice = m.participants().get(0);
        assertThat(alice.name()).isEqualTo("Alice");
        assertThat(alice.aor()).isEqualTo("sip:alice@atlanta.com");
        assertThat(alice.sendLabels()).containsExactly("97", "96");
        assertThat(alice.receives()).containsExactly("8zc6e0lYTlWIINA6GR+3ag==", "EiXGlc+4TruqqoDaNE76ag==");
        assertThat(m.participantSending("99")).map(Participant::name).contains("Bob");
        assertThat(m.participantSending("100")).isEmpty();
        assertThat(m.extensions()).containsOnlyKeys("group[7+OTCyoxTmqmqyA/1weDAg==]/call-center",
                "group[7+OTCyoxTmqmqyA/1weDAg==]/mydata", "session[hVpd7YQgRW2nD22h7q60JQ==]/mydata",
                "participant[srfBElmCRp2QB23b7Mpk0w==]/mydata", "participant[zSfPoSvdSDCmU3A3TRDxAw==]/mydata");
        assertThat(m.extensions().get("group[7+OTCyoxTmqmqyA/1weDAg==]/call-center")).isEqualTo(
                "<call-center xmlns=\"urn:ietf:params:xml:ns:callcenter\"><supervisor>sip:alice@atlanta.com</supervisor></call-center>");
    }

    @Test
    void rfc7865PartialUpdateIsMergedById() {
        RecordingMetadata complete = RecordingMetadata.parse(SiprecFixtures.text("rfc7865-complete.xml"));
        RecordingMetadata update = RecordingMetadata.parse(SiprecFixtures.text("rfc7865-partial.xml"));
        assertThat(update.dataMode()).isEqualTo(DataMode.PARTIAL);
        RecordingMetadata merged = complete.merge(update);
        assertThat(merged.participants()).hasSize(2);
        Participant alice = merged.participants().get(0);
        assertThat(alice.name()).isEqualTo("Alice"); // the update did not name her
        assertThat(alice.sendLabels()).containsExactly("97");
        Participant bob = merged.participants().get(1);
        assertThat(bob.name()).isEqualTo("Robert");
        assertThat(bob.sendLabels()).containsExactly("98");
        assertThat(merged.participantSending("96")).isEmpty();
        assertThat(merged.streams()).hasSize(4);
        assertThat(merged.extensions()).hasSize(5);
        assertThat(merged.sessionId()).isEqualTo(complete.sessionId());
        assertThat(merged.rawXml()).isEqualTo(complete.rawXml());
        assertThat(merged.dataMode()).isEqualTo(DataMode.COMPLETE);
    }

    @Test
    void aCompleteUpdateReplacesAndAnUnreadableOneChangesNothing() {
        RecordingMetadata complete = RecordingMetadata.parse(SiprecFixtures.text("rfc7865-complete.xml"));
        RecordingMetadata other = RecordingMetadata.parse(SiprecFixtures.text("rfc7865-complete.xml")
                .replace("<name xml:lang=\"it\">Alice</name>", "<name>Alicia</name>"));
        assertThat(complete.merge(other).participants().get(0).name()).isEqualTo("Alicia");
        assertThat(complete.merge(RecordingMetadata.parse("<broken"))).isSameAs(complete);
        assertThat(complete.merge(null)).isSameAs(complete);
        RecordingMetadata unparsed = RecordingMetadata.parse("<broken");
        assertThat(unparsed.merge(RecordingMetadata.parse(SiprecFixtures.text("rfc7865-partial.xml"))).parsed()).isTrue();
    }

    @Test
    void partialUpdateAddsNewParticipantsAndStreams() {
        RecordingMetadata complete = RecordingMetadata.parse(SiprecFixtures.text("rfc7865-complete.xml"));
        RecordingMetadata update = RecordingMetadata.parse("""
                <recording xmlns='urn:ietf:params:xml:ns:recording:1'><datamode>partial</datamode>
                <participant participant_id="carol"><nameID aor="sip:carol@example.com"><name>Carol</name></nameID></participant>
                <stream stream_id="s100" session_id="hVpd7YQgRW2nD22h7q60JQ=="><label>100</label></stream>
                <stream stream_id="UAAMm5GRQKSCMVvLyl4rFw=="><label>196</label></stream>
                <participantstreamassoc participant_id="carol"><send>s100</send></participantstreamassoc>
                </recording>""");
        RecordingMetadata merged = complete.merge(update);
        assertThat(merged.participants()).extracting(Participant::id).endsWith("carol").hasSize(3);
        assertThat(merged.participantSending("100")).map(Participant::name).contains("Carol");
        // A relabelled stream keeps its session and its sender.
        assertThat(merged.participantSending("196")).map(Participant::name).contains("Alice");
        assertThat(merged.streams()).filteredOn(s -> s.label().equals("196")).extracting(Stream::sessionId)
                .containsExactly("hVpd7YQgRW2nD22h7q60JQ==");
    }

    @Test
    void ciscoCube() throws Exception {
        RecordingMetadata m = metadata("cisco-cube.sip");
        assertThat(m.participantSending("1")).map(Participant::aor).contains("sip:8001@192.0.2.21");
        assertThat(m.participantSending("2")).map(Participant::aor).contains("sip:9001@192.0.2.10");
        assertThat(m.participants()).extracting(Participant::name).containsOnlyNulls();
        assertThat(m.sipSessionId()).startsWith("6ee7b1d81f2011e6bc0fc1e4b09b4fd5;remote=");
        assertThat(m.extensions()).isEmpty();
    }

    @Test
    void oracleAcmeDraftNamespaceIdsSendInsideParticipantAndApktExtensions() throws Exception {
        RecordingMetadata m = metadata("oracle-acme.sip");
        assertThat(m.sessionId()).isEqualTo("BYiC7uSZQGN3VQdzWI1HWw==");
        assertThat(m.streams()).extracting(Stream::label).containsExactly("16777227", "16777228");
        assertThat(m.participantSending("16777227")).map(Participant::name).contains("sipp");
        assertThat(m.participantSending("16777228")).map(Participant::aor).contains("sip:service@203.0.113.13");
        String extension = m.extensions().get("participant[hq18GJs3TtJdhjPsfPNV8A==]/extensiondata");
        assertThat(extension).startsWith("<extensiondata xmlns=\"urn:ietf:params:xml:ns:recording\" "
                + "xmlns:apkt=\"http://acmepacket.com/siprec/extensiondata\">")
                .contains("<apkt:callingParty>true</apkt:callingParty>",
                        "<apkt:header label=\"P-Asserted-Identity\"><value>sip:mike@acme.example</value></apkt:header>");
        // A kept extension is XML that stands alone.
        assertThat(RecordingMetadata.parse("<recording>" + extension + "</recording>").parsed()).isTrue();
    }

    @Test
    void avayaUcidIsKeptAsAnExtensionOfTheSession() throws Exception {
        RecordingMetadata m = metadata("avaya-sbce.sip");
        assertThat(m.extensions().get("session[q8mDZ3l0Rf2u4rW0m3Vx1g==]/extensiondata"))
                .contains("<apkt:ucid>00FA0800128E5F3A6B21C4;encoding=hex</apkt:ucid>");
        assertThat(m.participantSending("1")).map(Participant::aor).contains("sip:+442079460123@sbce.example.net");
        assertThat(m.participantSending("2")).map(Participant::name).contains("Agent 4711");
    }

    @Test
    void ribbonPrefixedDraftNamespaceWithGroupCallData() throws Exception {
        RecordingMetadata m = metadata("ribbon.sip");
        assertThat(m.groupId()).isEqualTo("00000000-0000-0000-0000-00001181742a");
        assertThat(m.participantSending("1")).map(Participant::name).contains("OTTAWA ON");
        assertThat(m.participantSending("2")).map(Participant::aor).contains("sip:+18005550199@contact.example.com");
        assertThat(m.participants().get(1).name()).isNull();
        assertThat(m.extensions().get("group[00000000-0000-0000-0000-00001181742a]/tns:callData"))
                .startsWith("<tns:callData xmlns:tns=\"urn:ietf:params:xml:ns:recording\">")
                .contains("<tns:callingNumber>+16135550101</tns:callingNumber>");
    }

    @Test
    void audioCodesPhoneNumberIdsAndVendorElement() throws Exception {
        RecordingMetadata m = metadata("audiocodes.sip");
        assertThat(m.participants()).extracting(Participant::id).containsExactly("+12125550100", "4001");
        assertThat(m.participantSending("1")).map(Participant::name).contains("John Smith");
        assertThat(m.participantSending("2")).map(Participant::name).contains("Agent 4001");
        assertThat(m.extensions().get("recording/ac:AudioCodes")).contains("<ac:ConnectionID>2618512</ac:ConnectionID>")
                .startsWith("<ac:AudioCodes xmlns:ac=\"http://www.audiocodes.com/siprec/extensiondata\">");
    }

    @Test
    void broadWorksLargeBodyWithItsExtensions() throws Exception {
        RecordingMetadata m = metadata("broadworks.sip");
        assertThat(m.participantSending("2")).map(Participant::name).contains("Dana Agent");
        assertThat(m.extensions()).containsKeys("group[YmQ2ZTg1ZjAtOTg3Yi00Yzc1]/bw:callCenter",
                "session[NjNhOWMxNDQtZjVjZS00YmJm]/bw:session", "participant[YWU4NGJlNzAtMWZiMi00MmQ5]/bw:participant");
    }

    @Test
    void openSipsWithoutStreamsStillNamesTheParticipants() throws Exception {
        RecordingMetadata m = metadata("opensips.sip");
        assertThat(m.streams()).isEmpty();
        assertThat(m.participants()).extracting(Participant::name).containsExactly("Alice", "Bob");
        assertThat(m.participants()).allMatch(p -> p.sendLabels().isEmpty());
        assertThat(m.participantSending("0")).isEmpty();
        assertThat(m.groupId()).isEqualTo("k2s1kQeTRQeGZ3kP0uQw7A==");
    }

    @Test
    void leniencyCaseLabelsInSendDirectAorAndNoNamespace() {
        RecordingMetadata m = RecordingMetadata.parse("""
                <recording>
                  <dataMode>PARTIAL</dataMode>
                  <session id="s"/>
                  <participant id="p1" session="s"><aor>sip:sipp@192.0.2.40</aor><name>sipp </name><send>caller</send></participant>
                  <participant><nameID aor="tel:+15550100"/></participant>
                  <stream id="x1"><label>caller</label></stream>
                  <unknownThing a="1">text &amp; more</unknownThing>
                </recording>""");
        assertThat(m.parsed()).isTrue();
        assertThat(m.dataMode()).isEqualTo(DataMode.PARTIAL);
        assertThat(m.participants().get(0)).extracting(Participant::name, Participant::aor).containsExactly("sipp",
                "sip:sipp@192.0.2.40");
        assertThat(m.participantSending(" caller ")).map(Participant::id).contains("p1");
        assertThat(m.participants().get(1).id()).isNull();
        assertThat(m.participants().get(1).aor()).isEqualTo("tel:+15550100");
        assertThat(m.extensions()).containsEntry("recording/unknownThing", "<unknownThing a=\"1\">text &amp; more</unknownThing>");
    }

    @Test
    void attributeValuesWithoutQuotesAreRepairedOnce() {
        String oracleDocStyle = """
                <recording xmlns='urn:ietf:params:xml:ns:recording'>
                  <participant id=hq18GJs3 session=BYiC7uSZ>
                    <nameID aor=sip:sipp@192.0.2.1><name>sipp</name></nameID>
                    <extensiondata xmlns:apkt="http://acmepacket.com/siprec/extensiondata">
                      <apkt:header label=P-Asserted-Identity><value>&lt;sip:mike@acme.example&gt;</value></apkt:header>
                      <apkt:flag on=yes/>
                    </extensiondata>
                  </participant>
                </recording>""";
        RecordingMetadata m = RecordingMetadata.parse(oracleDocStyle);
        assertThat(m.parsed()).isTrue();
        assertThat(m.reason()).startsWith("repaired");
        assertThat(m.rawXml()).isEqualTo(oracleDocStyle);
        assertThat(m.participants().get(0)).extracting(Participant::id, Participant::aor)
                .containsExactly("hq18GJs3", "sip:sipp@192.0.2.1");
        assertThat(m.extensions().get("participant[hq18GJs3]/extensiondata"))
                .contains("<apkt:header label=\"P-Asserted-Identity\"><value>&lt;sip:mike@acme.example&gt;</value>",
                        "<apkt:flag on=\"yes\"/>");
        // Text that merely contains "=" is not touched, and a document already valid is never rewritten.
        assertThat(RecordingMetadata.parse("<recording><x>a=b</x></recording>").extensions())
                .containsEntry("recording/x", "<x>a=b</x>");
        assertThat(RecordingMetadata.parse("<recording><x>a=b</x></recording>").reason()).isNull();
    }

    @Test
    void unreadableBodiesAreKeptRawWithTheReason() {
        // Oracle's published sample writes some attributes unquoted: not XML, but never a lost call.
        String unquoted = "<recording xmlns='urn:ietf:params:xml:ns:recording'><participant id=\"a\">"
                + "<apkt:header label=P-Asserted-Identity/></participant></recording>";
        RecordingMetadata m = RecordingMetadata.parse(unquoted);
        assertThat(m.parsed()).isFalse();
        assertThat(m.reason()).startsWith("not well-formed XML");
        assertThat(m.rawXml()).isEqualTo(unquoted);
        assertThat(m.participants()).isEmpty();
        assertThat(RecordingMetadata.parse(null).reason()).isEqualTo("no metadata body");
        assertThat(RecordingMetadata.parse("not xml at all").parsed()).isFalse();
        assertThat(RecordingMetadata.parse("<html><body/></html>").reason()).contains("not a recording");
        assertThat(RecordingMetadata.parse("<recording xmlns='urn:example:other'/>").reason()).contains("not a recording");
        assertThat(RecordingMetadata.parse("<recording><name>&xxe;</name></recording>").parsed()).isFalse();
        assertThat(RecordingMetadata.parse("<recording/><recording/>").parsed()).isFalse();
    }

    @Test
    void doctypeWithAnExternalEntityIsRefusedAndTheFileIsNeverRead(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET-7f3a9c");
        String xml = SiprecFixtures.text("xxe-file.xml").replace("@SECRET_FILE@", secret.toAbsolutePath().toString());
        RecordingMetadata m = RecordingMetadata.parse(xml);
        assertThat(m.parsed()).isFalse();
        assertThat(m.reason()).contains("DOCTYPE refused");
        assertThat(m.participants()).isEmpty();
        assertThat(everything(m).replace(xml, "")).doesNotContain("TOP-SECRET");
        assertThat(m.rawXml()).isEqualTo(xml); // the raw body, entity unexpanded
    }

    @Test
    void anExternalParameterEntityIsNeverFetched() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            String xml = SiprecFixtures.text("xxe-parameter-entity.xml").replace("@PORT@", String.valueOf(server.getLocalPort()));
            // A parser that fetched would block reading from our silent server: the timeout would fail the test.
            RecordingMetadata m = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> RecordingMetadata.parse(xml));
            assertThat(m.parsed()).isFalse();
            assertThat(m.reason()).contains("DOCTYPE refused");
            server.setSoTimeout(200);
            boolean connected;
            try (var ignored = server.accept()) {
                connected = true;
            }
            catch (SocketTimeoutException none) {
                connected = false;
            }
            assertThat(connected).as("the parser connected to the entity's URL").isFalse();
        }
    }

    @Test
    void billionLaughsIsRefusedAtTheDoctypeBeforeAnyExpansion() {
        String xml = SiprecFixtures.text("billion-laughs.xml");
        RecordingMetadata m = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> RecordingMetadata.parse(xml));
        assertThat(m.parsed()).isFalse();
        assertThat(m.reason()).contains("DOCTYPE refused");
        assertThat(everything(m).length()).isLessThan(2 * xml.length() + 1000);
    }

    @Test
    void sizeDepthAndElementCountAreBounded() {
        String megabyte = "<recording>" + "<x/>".repeat(262_144) + "</recording>";
        RecordingMetadata big = RecordingMetadata.parse(megabyte);
        assertThat(big.parsed()).isFalse();
        assertThat(big.reason()).contains("over 65536");
        assertThat(big.rawXml()).hasSize(RecordingMetadata.MAX_CHARS);

        String deep = "<recording>" + "<a>".repeat(9000) + "</a>".repeat(9000) + "</recording>";
        RecordingMetadata nested = RecordingMetadata.parse(deep);
        assertThat(nested.parsed()).isFalse();
        assertThat(nested.reason()).isEqualTo("elements nested deeper than 32");

        RecordingMetadata many = RecordingMetadata.parse("<recording>" + "<x/>".repeat(5000) + "</recording>");
        assertThat(many.reason()).isEqualTo("more than 4096 elements");

        StringBuilder attributes = new StringBuilder("<recording");
        for (int i = 0; i < 33; i++) {
            attributes.append(" a").append(i).append("='x'");
        }
        assertThat(RecordingMetadata.parse(attributes + "/>").reason()).contains("more than 32 attributes");
    }
}
