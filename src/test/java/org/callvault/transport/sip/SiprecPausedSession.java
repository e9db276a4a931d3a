package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingStore;
import org.callvault.support.Recordings;
import org.callvault.support.SiprecTestClient;
import org.callvault.support.WavFile;
import org.callvault.support.WebClientSession;
import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One SIPREC session with a pause, as the pause tests run it: the Cisco-shaped INVITE, 440 Hz on
 * the first stream and 880 Hz on the second (streamed all along, the pause included, as an SBC
 * that keeps sending may), an UPDATE setting both streams inactive after 1.5 s, one setting them
 * back to sendonly 2 s later, 1.5 s more, BYE. Paced by the packets the client sent (50 per
 * second per stream), never by sleeps.
 *
 * @param wav  the recording as stored
 * @param call {@code GET /api/calls/{id}} once the call has ended
 */
record SiprecPausedSession(String callId, WavFile wav, JsonNode call) {

    /** Packets per second of the two streams together. */
    private static final int PACKETS_PER_SECOND = 100;

    static SiprecPausedSession run(SipServer sip, WebClientSession admin, JdbcClient jdbc, RecordingRepository recordings,
            RecordingStore store) throws Exception {
        try (SiprecTestClient src = new SiprecTestClient(sip.port(), false, 2)) {
            assertThat(src.invite(Path.of("src/test/resources/siprec/cisco-cube.sip"))).startsWith("SIP/2.0 200");
            src.streamTones(440, 880);
            src.awaitPacketsSent(PACKETS_PER_SECOND * 3 / 2);
            String paused = src.updateBody("a=sendonly", "a=inactive");
            assertThat(paused).as(paused).startsWith("SIP/2.0 200").contains("a=inactive").doesNotContain("a=recvonly");
            src.awaitPacketsSent(PACKETS_PER_SECOND * 7 / 2);
            String resumed = src.updateBody("a=inactive", "a=sendonly");
            assertThat(resumed).as(resumed).startsWith("SIP/2.0 200").contains("a=recvonly");
            src.awaitPacketsSent(PACKETS_PER_SECOND * 5);
            src.stopStreaming();
            assertThat(src.bye()).startsWith("SIP/2.0 200");

            String callId = await().atMost(Duration.ofSeconds(5)).until(() -> jdbc
                    .sql("SELECT call_id FROM recording_sessions WHERE sip_call_id = :id").param("id", src.callId())
                    .query(String.class).optional().orElse(null), id -> id != null);
            WavFile wav = WavFile.read(store.resolve(Recordings.awaitComplete(recordings, callId).path()));
            await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/api/calls/" + callId).body()
                    .contains("\"state\":\"ended\""));
            JsonNode call = JsonMapper.builder().build().readTree(admin.get("/api/calls/" + callId).body());
            await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0 && sip.activeCalls() == 0);
            return new SiprecPausedSession(callId, wav, call);
        }
    }

    /** The one stored pause: [from, to) in ms after the start. */
    long[] pause() {
        JsonNode pauses = call.path("session").path("pauses");
        assertThat(pauses.size()).as(pauses.toString()).isEqualTo(1);
        return new long[] { pauses.get(0).path("fromMs").asLong(), pauses.get(0).path("toMs").asLong() };
    }
}
