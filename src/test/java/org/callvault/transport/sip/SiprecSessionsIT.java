package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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

    /**
     * G.722 (16 kHz audio on an 8 kHz RTP clock: a 6 kHz tone only wideband carries) and Opus
     * (48 kHz, encoded by the client with the library the server uses), each offered alone on both
     * streams of Cisco's shape: each stream's tone is on its own channel of the recording.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "G722, 9 101, a=rtpmap:9 G722/8000, 6000, 1000",
        "opus, 96 101, a=rtpmap:96 opus/48000/2, 1000, 3000"
    })
    void aWidebandOrOpusSessionIsRecordedChannelPerStream(String codec, String formats, String rtpmap, int leftTone,
            int rightTone) throws Exception {
        String invite = Files.readString(Path.of("src/test/resources/siprec/cisco-cube.sip"))
                .replace("RTP/AVP 0 101", "RTP/AVP " + formats).replace("a=rtpmap:0 PCMU/8000", rtpmap);
        try (SiprecTestClient src = new SiprecTestClient(sip.port(), false, 2)) {
            String answer = src.invite(invite);
            assertThat(answer).as(answer).startsWith("SIP/2.0 200").contains(rtpmap + "\r\n");
            assertThat(src.answeredPorts()).doesNotContain(0);
            src.streamTones(leftTone, rightTone);
            src.awaitPacketsSent(150);
            src.stopStreaming();
            assertThat(src.bye()).startsWith("SIP/2.0 200");

            WavFile wav = recordingOf(src);
            assertThat(wav.channels()).isEqualTo(2);
            short[] left = wav.channel(0);
            int middle = left.length / 2 - RATE / 2;
            assertThat(ToneDetector.relativePower(left, middle, RATE, leftTone, RATE)).as(codec + ", left")
                    .isGreaterThan(0.7);
            assertThat(ToneDetector.relativePower(wav.channel(1), middle, RATE, rightTone, RATE)).as(codec + ", right")
                    .isGreaterThan(0.7);
            await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0 && sip.activeCalls() == 0);
        }
    }

    /**
     * A third stream (a conference fork): recorded too, as the session's second recording (streams
     * are recorded two by two; docs/ARCHITECTURE.md, SIPREC), both listed with the session's
     * participants; every tone is on its own channel.
     */
    @org.junit.jupiter.api.Test
    void everyStreamOfAThreeStreamSessionIsRecorded() throws Exception {
        String cisco = Files.readString(Path.of("src/test/resources/siprec/cisco-cube.sip"));
        String third = "m=audio 16388 RTP/AVP 0 101\r\nc=IN IP4 192.0.2.10\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendonly\r\na=label:3\r\n";
        String invite = cisco.replace("a=label:2\r\n", "a=label:2\r\n" + third);
        assertThat(invite).contains("a=label:3");
        WebClientSession admin = signedInAdmin();
        try (SiprecTestClient src = new SiprecTestClient(sip.port(), false, 3)) {
            String answer = src.invite(invite);
            assertThat(answer).as(answer).startsWith("SIP/2.0 200");
            assertThat(src.answeredPorts()).hasSize(3).doesNotContain(0);
            src.streamTones(440, 880, 1320);
            src.awaitPacketsSent(3 * 150);
            src.stopStreaming();
            assertThat(src.bye()).startsWith("SIP/2.0 200");

            List<String> callIds = await().atMost(Duration.ofSeconds(5)).until(() -> jdbc
                    .sql("SELECT call_id FROM recording_sessions WHERE sip_call_id = :id").param("id", src.callId())
                    .query(String.class).list(), ids -> ids.size() == 2);
            WavFile pair = null;
            WavFile single = null;
            for (String callId : callIds) {
                WavFile wav = WavFile.read(store.resolve(Recordings.awaitComplete(recordings, callId).path()));
                if (wav.channels() == 2) {
                    pair = wav;
                }
                else {
                    single = wav;
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/api/calls/" + callId).body()
                        .contains("\"state\":\"ended\""));
                JsonNode session = JsonMapper.builder().build().readTree(admin.get("/api/calls/" + callId).body())
                        .path("session");
                assertThat(session.path("sipCallId").asString()).isEqualTo(src.callId());
                assertThat(session.path("participants").size()).as(session.toString()).isGreaterThanOrEqualTo(2);
                String name = JsonMapper.builder().build().readTree(admin.get("/api/calls/" + callId).body())
                        .path("callerName").asString();
                assertThat(name).as("the recording's name says its streams")
                        .endsWith(wav.channels() == 2 ? "(streams 1–2)" : "(stream 3)");
            }
            assertThat(pair).as("streams 1 and 2: one stereo recording").isNotNull();
            assertThat(single).as("stream 3: a mono recording").isNotNull();
            int middle = pair.channel(0).length / 2 - RATE / 2;
            assertThat(ToneDetector.relativePower(pair.channel(0), middle, RATE, 440, RATE)).isGreaterThan(0.7);
            assertThat(ToneDetector.relativePower(pair.channel(1), middle, RATE, 880, RATE)).isGreaterThan(0.7);
            assertThat(ToneDetector.relativePower(single.channel(0), middle, RATE, 1320, RATE)).isGreaterThan(0.7);
            await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0 && sip.activeCalls() == 0);
        }
    }

    /** Ten streams offered: the first eight are recorded (four stereo recordings), the last two refused with port 0. */
    @org.junit.jupiter.api.Test
    void streamsBeyondTheLimitAreRefusedAndHoldNoPort() throws Exception {
        String cisco = Files.readString(Path.of("src/test/resources/siprec/cisco-cube.sip"));
        StringBuilder more = new StringBuilder();
        for (int label = 3; label <= 10; label++) {
            more.append("m=audio ").append(16384 + 2 * label).append(" RTP/AVP 0\r\nc=IN IP4 192.0.2.10\r\n")
                    .append("a=rtpmap:0 PCMU/8000\r\na=sendonly\r\na=label:").append(label).append("\r\n");
        }
        String invite = cisco.replace("a=label:2\r\n", "a=label:2\r\n" + more);
        try (SiprecTestClient src = new SiprecTestClient(sip.port(), false, 10)) {
            String answer = src.invite(invite);
            assertThat(answer).as(answer).startsWith("SIP/2.0 200");
            assertThat(src.answeredPorts()).hasSize(10);
            assertThat(src.answeredPorts().subList(0, 8)).doesNotContain(0);
            assertThat(src.answeredPorts().subList(8, 10)).containsOnly(0);
            assertThat(sip.rtpPortsInUse()).isEqualTo(8);
            assertThat(src.bye()).startsWith("SIP/2.0 200");
            await().atMost(Duration.ofSeconds(5)).until(() -> jdbc
                    .sql("SELECT call_id FROM recording_sessions WHERE sip_call_id = :id").param("id", src.callId())
                    .query(String.class).list().size() == 4);
            await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0 && sip.activeCalls() == 0);
        }
    }

    private WavFile recordingOf(SiprecTestClient src) throws Exception {
        String callId = await().atMost(Duration.ofSeconds(5)).until(() -> jdbc
                .sql("SELECT call_id FROM recording_sessions WHERE sip_call_id = :id").param("id", src.callId())
                .query(String.class).optional().orElse(null), id -> id != null);
        return WavFile.read(store.resolve(Recordings.awaitComplete(recordings, callId).path()));
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
