package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;

import org.callvault.media.ToneDetector;
import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingStore;
import org.callvault.support.CallHarness;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.callvault.support.MediaSocketClient;
import org.callvault.support.Recordings;
import org.callvault.support.SipTestPhone;
import org.callvault.support.TestUsers;
import org.callvault.support.WavFile;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import tools.jackson.databind.JsonNode;

/**
 * The media of SIP calls end to end: a phone sending and receiving real G.711 RTP over UDP, an
 * agent on the WebSocket protocol, the bridge and the recorder between them.
 */
@DatabaseIndependent
@Import(TestUsers.class)
class SipMediaIT extends IntegrationTest {

    private static final int RATE = CallHarness.SAMPLE_RATE;

    @Autowired
    TestUsers testUsers;

    @Autowired
    SipServer sip;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    RecordingStore store;

    @Test
    void bothPartiesHearEachOtherOverPcmuAndTheRecordingHoldsBothForExactlyTheAnsweredTime() throws Exception {
        talkAndCheck("PCMU");
    }

    @Test
    void pcmaWorksTheSameWay() throws Exception {
        talkAndCheck("PCMA");
    }

    private void talkAndCheck(String codec) throws Exception {
        try (EventSocketClient agent = agentConsole(); SipTestPhone phone = new SipTestPhone(sip.port())) {
            phone.invite("Grace Hopper", "+15550001111", codec);
            String callId = awaitSipCall(agent, "ringing").path("id").asString();
            agent.sendJson("type", "answer", "callId", callId);
            assertThat(phone.awaitFinal(Duration.ofSeconds(5))).startsWith("SIP/2.0 200");
            try (MediaSocketClient agentMedia = MediaSocketClient.open(port,
                    agent.awaitType("media").path("url").asString(), CallHarness.SAMPLES_PER_FRAME)) {
                phone.streamTone(440, n -> false);
                agentMedia.stream(CallHarness.tone(880), CallHarness.FRAME_MILLIS);

                // Two seconds of each direction.
                await().atMost(Duration.ofSeconds(10)).until(() -> agentMedia.framesReceived() >= 100);
                phone.awaitPacketsHeard(100);

                short[] agentHeard = agentMedia.receivedSamples();
                short[] tail = Arrays.copyOfRange(agentHeard, agentHeard.length - RATE, agentHeard.length);
                assertThat(ToneDetector.relativePower(tail, 0, tail.length, 440, RATE)).as("agent hears 440 Hz")
                        .isGreaterThan(0.9);
                short[] phoneHeard = phone.heardSamples();
                short[] phoneTail = Arrays.copyOfRange(phoneHeard, phoneHeard.length - 8_000, phoneHeard.length);
                assertThat(ToneDetector.relativePower(phoneTail, 0, phoneTail.length, 880, 8_000))
                        .as("phone hears 880 Hz").isGreaterThan(0.9);
                assertThat(phone.lastPayloadType()).isEqualTo(codec.equals("PCMA") ? 8 : 0);

                phone.stopStreaming();
                agentMedia.stopStreaming();
                phone.bye();
                JsonNode ended = agent.awaitCallState(callId, "ended").path("call");
                assertThat(ended.path("endReason").asString()).isEqualTo("caller_hangup");

                WavFile wav = WavFile.read(store.resolve(Recordings.awaitComplete(recordings, callId).path()));
                assertThat(Math.abs(wav.durationMs() - ended.path("durationMs").asLong())).isLessThanOrEqualTo(20.0);
                short[] mix = wav.channel(0);
                int from = mix.length / 2;
                int length = RATE;
                assertThat(ToneDetector.relativePower(mix, from, length, 440, RATE)).as("caller in the recording")
                        .isGreaterThan(0.3);
                assertThat(ToneDetector.relativePower(mix, from, length, 880, RATE)).as("agent in the recording")
                        .isGreaterThan(0.3);
                await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0);
            }
        }
    }

    private EventSocketClient agentConsole() {
        WebClientSession login = newSession();
        login.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        return EventSocketClient.agent(port, login);
    }

    private static JsonNode awaitSipCall(EventSocketClient agent, String state) {
        return agent.awaitMessage(m -> "call".equals(m.path("type").asString())
                && "sip".equals(m.path("call").path("source").asString())
                && state.equals(m.path("call").path("state").asString())).path("call");
    }
}
