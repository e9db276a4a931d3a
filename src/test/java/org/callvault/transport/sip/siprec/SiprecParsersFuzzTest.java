package org.callvault.transport.sip.siprec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A hostile SRC's bodies: the vendor fixtures mutated at random (bytes flipped, cut, spliced,
 * boundary and XML fragments inserted) through every parser. Nothing may throw but a
 * {@link SiprecException} with a status we answer; the metadata parser never throws at all.
 */
class SiprecParsersFuzzTest {

    private static final int ROUNDS = 20_000;
    private static final byte[][] SPLICES = {"\r\n".getBytes(StandardCharsets.US_ASCII), "\n".getBytes(StandardCharsets.US_ASCII),
            "--".getBytes(StandardCharsets.US_ASCII), "<".getBytes(StandardCharsets.US_ASCII),
            "<!DOCTYPE x [<!ENTITY a \"b\">]>".getBytes(StandardCharsets.US_ASCII), "&a;".getBytes(StandardCharsets.US_ASCII),
            "m=audio 0 RTP/AVP 0\r\n".getBytes(StandardCharsets.US_ASCII), "a=label:\r\n".getBytes(StandardCharsets.US_ASCII),
            "Content-Type: application/sdp\r\n\r\n".getBytes(StandardCharsets.US_ASCII), "\u00ff\u0000".getBytes(StandardCharsets.ISO_8859_1),
            "</participant>".getBytes(StandardCharsets.US_ASCII), "<![CDATA[".getBytes(StandardCharsets.US_ASCII)};

    @Test
    void mutatedVendorBodiesAreRefusedWithAStatusOrParsedNeverThrown() throws Exception {
        Random random = new Random(7865);
        List<SiprecFixtures.Invite> invites = Arrays.stream(SiprecFixtures.INVITES).map(SiprecFixtures::invite).toList();
        Map<Integer, Integer> statuses = new TreeMap<>();
        int parsedMetadata = 0;
        int unparsedMetadata = 0;
        for (int round = 0; round < ROUNDS; round++) {
            SiprecFixtures.Invite invite = invites.get(random.nextInt(invites.size()));
            byte[] body = mutate(invite.body(), random);
            int status;
            try {
                SiprecOffer offer = SiprecOffer.parse(invite.contentType(), body);
                if (offer.metadata().parsed()) {
                    parsedMetadata++;
                }
                else {
                    unparsedMetadata++;
                    assertThat(offer.metadata().reason()).isNotBlank();
                }
                List<Integer> ports = offer.streams().streams().stream().map(s -> 30000 + 2 * s.index()).toList();
                SiprecAnswer answer = SiprecAnswer.build(offer.streams(), "192.0.2.7", ports, round, 0);
                assertThat(SdpStreams.parse(answer.sdp()).streams()).hasSameSizeAs(offer.streams().streams());
                status = 200;
            }
            catch (SiprecException e) {
                status = e.status();
                assertThat(e.getMessage()).isNotBlank();
            }
            statuses.merge(status, 1, Integer::sum);
            // The metadata parser alone, on mutated XML: never throws.
            String xml = new String(mutate(SiprecFixtures.invite(invite.name()).split().metadata().getBytes(StandardCharsets.UTF_8),
                    random), StandardCharsets.UTF_8);
            RecordingMetadata metadata = RecordingMetadata.parse(xml);
            assertThat(metadata.parsed() || metadata.reason() != null).isTrue();
        }
        assertThat(statuses.keySet()).isSubsetOf(200, 400, 413, 415, 488).contains(200, 400);
        assertThat(parsedMetadata).isPositive();
        assertThat(unparsedMetadata).isPositive();
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] body = original.clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && body.length > 0; m++) {
            int at = random.nextInt(body.length);
            switch (random.nextInt(5)) {
                case 0 -> body[at] = (byte) random.nextInt(256);
                case 1 -> body = Arrays.copyOf(body, at); // truncated, as over UDP
                case 2 -> {
                    int length = Math.min(body.length - at, 1 + random.nextInt(200));
                    byte[] cut = new byte[body.length - length];
                    System.arraycopy(body, 0, cut, 0, at);
                    System.arraycopy(body, at + length, cut, at, body.length - at - length);
                    body = cut;
                }
                default -> {
                    byte[] splice = SPLICES[random.nextInt(SPLICES.length)];
                    byte[] longer = new byte[body.length + splice.length];
                    System.arraycopy(body, 0, longer, 0, at);
                    System.arraycopy(splice, 0, longer, at, splice.length);
                    System.arraycopy(body, at, longer, at + splice.length, body.length - at);
                    body = longer;
                }
            }
        }
        return body;
    }
}
