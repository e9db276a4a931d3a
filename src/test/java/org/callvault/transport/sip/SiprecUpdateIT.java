package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.callvault.media.ToneDetector;
import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingStore;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.IntegrationTest;
import org.callvault.support.SiprecTestClient;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SIPREC UPDATE (RFC 3311) and pauses with the default {@code paused-audio: silence}, over real
 * sockets: metadata updates in an UPDATE (a bare metadata body, a multipart without SDP) change the
 * participants the API shows; an UPDATE with SDP pauses and resumes, and the paused time is silence
 * in a file as long as the session.
 */
@DatabaseIndependent
class SiprecUpdateIT extends IntegrationTest {

    /** Partial metadata (RFC 7865 §6.2) naming the Cisco fixture's two participants. */
    private static final String NAMES = """
            <?xml version="1.0" encoding="UTF-8"?>
            <recording xmlns="urn:ietf:params:xml:ns:recording:1">
            <datamode>partial</datamode>
            <participant participant_id="buxqQ9aTEeu8EMHksJtP1Q=="><nameID aor="sip:8001@192.0.2.21"><name>Alice Customer</name></nameID></participant>
            </recording>
            """;

    @Autowired
    SipServer sip;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    RecordingStore store;

    @Autowired
    JdbcClient jdbc;

    @Test
    void metadataInAnUpdateIsMergedAndTheApiShowsTheNewParticipants() throws Exception {
        WebClientSession admin = signedInAdmin();
        try (SiprecTestClient src = new SiprecTestClient(sip.port(), false, 2)) {
            assertThat(src.invite(Path.of("src/test/resources/siprec/cisco-cube.sip"))).startsWith("SIP/2.0 200");
            src.streamTones(440, 880);
            String callId = await().atMost(Duration.ofSeconds(5)).until(() -> jdbc
                    .sql("SELECT call_id FROM recording_sessions WHERE sip_call_id = :id").param("id", src.callId())
                    .query(String.class).optional().orElse(null), id -> id != null);
            assertThat(names(admin, callId)).doesNotContain("Alice Customer");

            // A bare metadata body (RFC 7866 §7.1.2): 200 without SDP, with UPDATE allowed.
            String bare = src.update("application/rs-metadata+xml", NAMES);
            assertThat(bare).as(bare).startsWith("SIP/2.0 200").containsPattern("(?mi)^Content-Length: *0\\s*$")
                    .containsPattern("(?mi)^Allow:.*UPDATE");
            await().atMost(Duration.ofSeconds(5)).until(() -> names(admin, callId).contains("Alice Customer"));

            // A multipart body without SDP, naming the other participant (Content-Type with its boundary).
            String agent = NAMES.replace("buxqQ9aTEeu8EMHksJtP1Q==", "buxqQ9aTEeu8EcHksJtP1Q==")
                    .replace("sip:8001@192.0.2.21", "sip:9001@192.0.2.10").replace("Alice Customer", "Bob Agent");
            String multipart = "--b1\r\nContent-Type: application/rs-metadata+xml\r\n"
                    + "Content-Disposition: recording-session\r\n\r\n" + agent + "\r\n--b1--\r\n";
            assertThat(src.update("multipart/mixed;boundary=b1", multipart)).startsWith("SIP/2.0 200");
            await().atMost(Duration.ofSeconds(5)).until(() -> names(admin, callId).equals("[Alice Customer, Bob Agent]"));

            // Refused with a reason, the session going on: a body that is neither SDP nor metadata.
            assertThat(src.update("text/plain", "hello")).startsWith("SIP/2.0 415");
            assertThat(src.update("multipart/mixed;boundary=b1", "--b1\r\nContent-Type: text/plain\r\n\r\nx\r\n--b1--\r\n"))
                    .startsWith("SIP/2.0 415");
            // Unreadable metadata never refuses and never replaces what is known.
            assertThat(src.update("application/rs-metadata+xml", "<!DOCTYPE x [<!ENTITY a \"b\">]><recording/>"))
                    .startsWith("SIP/2.0 200");
            assertThat(names(admin, callId)).isEqualTo("[Alice Customer, Bob Agent]");

            src.stopStreaming();
            assertThat(src.bye()).startsWith("SIP/2.0 200");
            await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/api/calls/" + callId).body()
                    .contains("\"state\":\"ended\""));
            assertThat(names(admin, callId)).isEqualTo("[Alice Customer, Bob Agent]");
        }
    }

    @Test
    void anUpdateOutsideADialogIsRefused() throws Exception {
        try (SiprecTestClient src = new SiprecTestClient(sip.port(), false, 1)) {
            assertThat(src.update("application/rs-metadata+xml", NAMES)).startsWith("SIP/2.0 481");
        }
        assertThat(sip.activeCalls()).isZero();
    }

    @Test
    void aPauseByUpdateIsSilenceInAFileAsLongAsTheSession() throws Exception {
        SiprecPausedSession session = SiprecPausedSession.run(sip, signedInAdmin(), jdbc, recordings, store);
        long[] pause = session.pause();
        long durationMs = session.call().path("durationMs").asLong();
        assertThat(pause[1] - pause[0]).as("the pause lasted about 2 s").isBetween(1_500L, 3_500L);
        assertThat(Math.abs(session.wav().durationMs() - durationMs)).as("file %s ms, session %d ms",
                session.wav().durationMs(), durationMs).isLessThanOrEqualTo(20.0);
        int rate = session.wav().sampleRate();
        short[] left = session.wav().channel(0);
        short[] right = session.wav().channel(1);
        // The middle of the pause is silence on both channels though RTP kept coming; the tones before and after.
        int middle = (int) ((pause[0] + pause[1]) / 2 * rate / 1000) - rate / 4;
        assertThat(ToneDetector.rms(left, middle, rate / 2)).isLessThan(50);
        assertThat(ToneDetector.rms(right, middle, rate / 2)).isLessThan(50);
        int before = (int) (pause[0] * rate / 1000) - rate * 3 / 4;
        int after = (int) (pause[1] * rate / 1000) + rate / 4;
        for (int at : new int[] { before, after }) {
            assertThat(ToneDetector.relativePower(left, at, rate / 2, 440, rate)).as("left at %d", at).isGreaterThan(0.7);
            assertThat(ToneDetector.relativePower(right, at, rate / 2, 880, rate)).as("right at %d", at)
                    .isGreaterThan(0.7);
        }
    }

    private static String names(WebClientSession admin, String callId) {
        JsonNode participants = JsonMapper.builder().build().readTree(admin.get("/api/calls/" + callId).body())
                .path("session").path("participants");
        java.util.List<String> names = new java.util.ArrayList<>();
        participants.forEach(p -> names.add(p.path("name").asString()));
        return names.toString();
    }
}
