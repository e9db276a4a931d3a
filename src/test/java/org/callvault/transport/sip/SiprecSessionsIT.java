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
import org.callvault.support.Recordings;
import org.callvault.support.SiprecTestClient;
import org.callvault.support.WavFile;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SIPREC end to end: each vendor-shaped INVITE (src/test/resources/siprec) is replayed by a
 * recording client over real sockets, its streams carry real RTP, and the recording and the
 * library are checked.
 */
@DatabaseIndependent
@org.springframework.test.context.TestPropertySource(properties = "callvault.sip.recording-media-timeout=3s")
class SiprecSessionsIT extends IntegrationTest {

    private static final int RATE = 44_100;

    @Autowired
    SipServer sip;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    RecordingStore store;

    @Autowired
    JdbcClient jdbc;

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({
        "cisco-cube.sip, UDP, 2, sendonly",
        "oracle-acme.sip, UDP, 2, sendonly",
        "ribbon.sip, UDP, 2, sendonly",
        "opensips.sip, UDP, 2, sendonly",
        "rfc7866-invite.sip, UDP, 2, sendonly",
        "broadworks.sip, TCP, 2, sendonly",
        "audiocodes.sip, UDP, 2, inactive",
        "avaya-sbce.sip, UDP, 1, sendonly"
    })
    void aVendorShapedSessionIsRecordedWithItsParticipants(String fixture, String transport, int recorded,
            String startsAs) throws Exception {
        WebClientSession admin = signedInAdmin();
        try (SiprecTestClient src = new SiprecTestClient(sip.port(), transport.equals("TCP"), 2)) {
            String answer = src.invite(Path.of("src/test/resources/siprec", fixture));
            assertThat(answer).as(answer).startsWith("SIP/2.0 200");
            assertThat(answer).contains("Content-Type: application/sdp");
            assertThat(src.answeredPorts()).hasSize(2);
            assertThat(src.answeredPorts().stream().filter(p -> p != 0).count()).isEqualTo(recorded);
            assertThat(answer).contains(startsAs.equals("inactive") ? "a=inactive" : "a=recvonly");
            if (startsAs.equals("inactive")) {
                // AudioCodes starts the streams inactive and opens them with a re-INVITE.
                String resumed = src.reInvite("a=inactive", "a=sendonly");
                assertThat(resumed).startsWith("SIP/2.0 200").contains("a=recvonly");
            }
            src.streamTones(440, 880);
            src.awaitPacketsSent(100);
            if (answer.contains("telephone-event")) {
                src.sendDigit(0, 7); // a key pressed on the first participant's stream
            }
            src.awaitPacketsSent(150);
            src.stopStreaming();
            assertThat(src.bye()).startsWith("SIP/2.0 200");

            String callId = await().atMost(Duration.ofSeconds(5)).until(() -> jdbc
                    .sql("SELECT call_id FROM recording_sessions WHERE sip_call_id = :id").param("id", src.callId())
                    .query(String.class).optional().orElse(null), id -> id != null);
            WavFile wav = WavFile.read(store.resolve(Recordings.awaitComplete(recordings, callId).path()));
            assertThat(wav.channels()).isEqualTo(recorded == 2 ? 2 : 1);
            short[] left = wav.channel(0);
            // The middle second of three: a late tick or a fill on a busy machine costs a frame, not the tone.
            int middle = left.length / 2 - RATE / 2;
            assertThat(ToneDetector.relativePower(left, middle, RATE, 440, RATE)).as("first stream, left")
                    .isGreaterThan(0.7);
            if (recorded == 2) {
                short[] right = wav.channel(1);
                assertThat(ToneDetector.relativePower(right, middle, RATE, 880, RATE)).as("second stream, right")
                        .isGreaterThan(0.7);
            }

            await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/api/calls/" + callId).body()
                    .contains("\"state\":\"ended\""));
            JsonNode call = JsonMapper.builder().build().readTree(admin.get("/api/calls/" + callId).body());
            assertThat(call.path("source").asString()).isEqualTo("siprec");
            assertThat(call.path("endReason").asString()).isEqualTo("session_ended");
            assertThat(Math.abs(wav.durationMs() - call.path("durationMs").asLong())).isLessThanOrEqualTo(20.0);
            if (answer.contains("telephone-event")) {
                assertThat(call.path("dtmf").toString()).as(fixture).contains("\"digit\":\"7\"");
            }
            JsonNode session = call.path("session");
            assertThat(session.path("sipCallId").asString()).isEqualTo(src.callId());
            assertThat(session.path("srcAddress").asString()).isEqualTo("127.0.0.1");
            assertThat(session.path("metadataParsed").asBoolean()).as(session.toString()).isTrue();
            assertThat(session.path("participants").size()).as(session.toString()).isGreaterThanOrEqualTo(2);
            // The body as the client sent it, for audit: ADMIN only, plain text.
            var metadata = admin.get("/api/calls/" + callId + "/metadata");
            assertThat(metadata.statusCode()).isEqualTo(200);
            assertThat(metadata.body()).contains("recording");
            assertThat(metadata.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(admin.get("/recordings?source=siprec").body()).contains("data-testid=\"row-participants\"");
            if (startsAs.equals("inactive")) {
                assertThat(session.path("pauses").size()).as("the inactive start is a pause").isEqualTo(1);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0 && sip.activeCalls() == 0);
        }
    }

    @org.junit.jupiter.api.Test
    void brokenMultipartBodiesAreRefusedWithAReasonAndHoldNothing() throws Exception {
        for (String fixture : new String[] { "broken-boundary.sip", "missing-boundary.sip" }) {
            try (SiprecTestClient src = new SiprecTestClient(sip.port(), false, 1)) {
                String answer = src.invite(Path.of("src/test/resources/siprec", fixture));
                assertThat(answer).as(fixture).startsWith("SIP/2.0 400 ");
            }
        }
        assertThat(sip.rtpPortsInUse()).isZero();
        assertThat(sip.activeCalls()).isZero();
    }

    @org.junit.jupiter.api.Test
    void metadataWithAnExternalEntityIsNeverResolvedAndTheAudioIsStillRecorded() throws Exception {
        Path secret = java.nio.file.Files.createTempFile("callvault-secret", ".txt");
        java.nio.file.Files.writeString(secret, "TOP-SECRET-VALUE");
        String cisco = java.nio.file.Files.readString(Path.of("src/test/resources/siprec/cisco-cube.sip"));
        String xxe = java.nio.file.Files.readString(Path.of("src/test/resources/siprec/xxe-file.xml"))
                .replace("@SECRET_FILE@", secret.toString());
        int from = cisco.indexOf("<?xml");
        int to = cisco.indexOf("</recording>") + "</recording>".length();
        String hostile = cisco.substring(0, from) + xxe.strip() + cisco.substring(to);
        WebClientSession admin = signedInAdmin();
        try (SiprecTestClient src = new SiprecTestClient(sip.port(), false, 2)) {
            assertThat(src.invite(hostile)).startsWith("SIP/2.0 200");
            src.streamTones(440, 880);
            src.awaitPacketsSent(100);
            src.stopStreaming();
            assertThat(src.bye()).startsWith("SIP/2.0 200");
            String callId = await().atMost(Duration.ofSeconds(5)).until(() -> jdbc
                    .sql("SELECT call_id FROM recording_sessions WHERE sip_call_id = :id").param("id", src.callId())
                    .query(String.class).optional().orElse(null), id -> id != null);
            Recordings.awaitComplete(recordings, callId);
            await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/api/calls/" + callId).body()
                    .contains("\"state\":\"ended\""));
            String body = admin.get("/api/calls/" + callId).body();
            JsonNode session = JsonMapper.builder().build().readTree(body).path("session");
            assertThat(session.path("metadataParsed").asBoolean()).isFalse();
            assertThat(session.path("metadataProblem").asString()).containsIgnoringCase("DOCTYPE");
            assertThat(body).doesNotContain("TOP-SECRET-VALUE");
            assertThat(admin.get("/api/calls/" + callId + "/metadata").body()).doesNotContain("TOP-SECRET-VALUE");
        }
        finally {
            java.nio.file.Files.deleteIfExists(secret);
        }
    }

    @org.junit.jupiter.api.Test
    void aSessionWhoseMediaNeverComesIsEndedAfterTheMediaTimeoutWithWhatItHas() throws Exception {
        try (SiprecTestClient src = new SiprecTestClient(sip.port(), false, 2)) {
            assertThat(src.invite(Path.of("src/test/resources/siprec/cisco-cube.sip"))).startsWith("SIP/2.0 200");
            // No RTP at all: after 3 s (callvault.sip.recording-media-timeout in this class) CallVault says BYE.
            assertThat(src.awaitServerRequest(Duration.ofSeconds(10))).startsWith("BYE ");
            String callId = jdbc.sql("SELECT call_id FROM recording_sessions WHERE sip_call_id = :id")
                    .param("id", src.callId()).query(String.class).single();
            WavFile wav = WavFile.read(store.resolve(Recordings.awaitComplete(recordings, callId).path()));
            assertThat(wav.durationMs()).isBetween(2_900.0, 6_000.0);
            await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.sql("SELECT end_reason FROM calls WHERE id = :id")
                    .param("id", callId).query(String.class).single().equals("MEDIA_TIMEOUT"));
            await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0 && sip.activeCalls() == 0);
        }
    }
}
