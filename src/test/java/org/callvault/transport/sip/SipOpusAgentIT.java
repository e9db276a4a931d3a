package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;

import org.callvault.media.ToneDetector;
import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingStore;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.callvault.support.MediaSocketClient;
import org.callvault.support.OpusFrames;
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
 * A SIP phone speaking G.711 and an agent that negotiated Opus (protocol version 2): the two edges
 * meet in the call's PCM, so each hears the other and the recording holds both.
 */
@DatabaseIndependent
@Import(TestUsers.class)
class SipOpusAgentIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Autowired
    SipServer sip;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    RecordingStore store;

    @Test
    void aG711PhoneAndAnOpusAgentHearEachOther() throws Exception {
        WebClientSession login = newSession();
        login.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        try (EventSocketClient agent = EventSocketClient.agent(port, login); SipTestPhone phone = new SipTestPhone(sip.port())) {
            agent.send("{\"type\":\"hello\",\"version\":2,\"codecs\":[\"opus\"]}");
            assertThat(agent.awaitType("hello").path("codec").asString()).isEqualTo("opus");
            phone.invite("Ada", "+15550002222", "PCMU");
            String callId = agent.awaitSipCall("ringing").path("id").asString();
            agent.sendJson("type", "answer", "callId", callId);
            assertThat(phone.awaitFinal(Duration.ofSeconds(5))).startsWith("SIP/2.0 200");
            JsonNode media = agent.awaitType("media");
            assertThat(media.path("codec").asString()).isEqualTo("opus");
            try (MediaSocketClient agentMedia = MediaSocketClient.open(port, media.path("url").asString(), 960)) {
                phone.streamTone(440, n -> false);
                agentMedia.streamFrames(OpusFrames.tone(880, 8000, 250, 0), 20);
                await().atMost(Duration.ofSeconds(10)).until(() -> agentMedia.framesReceived() >= 100);
                phone.awaitPacketsHeard(100);

                short[] agentHeard = OpusFrames.decode(agentMedia.receivedFrames());
                short[] tail = Arrays.copyOfRange(agentHeard, agentHeard.length - 48_000, agentHeard.length);
                assertThat(ToneDetector.relativePower(tail, 0, tail.length, 440, 48_000)).as("agent hears 440 Hz")
                        .isGreaterThan(0.9);
                short[] phoneHeard = phone.heardSamples();
                int phoneRate = phone.heardRate();
                short[] phoneTail = Arrays.copyOfRange(phoneHeard, phoneHeard.length - phoneRate, phoneHeard.length);
                assertThat(ToneDetector.relativePower(phoneTail, 0, phoneTail.length, 880, phoneRate))
                        .as("phone hears 880 Hz").isGreaterThan(0.9);

                phone.stopStreaming();
                agentMedia.stopStreaming();
                phone.bye();
                JsonNode ended = agent.awaitCallState(callId, "ended").path("call");
                WavFile wav = WavFile.read(store.resolve(Recordings.awaitComplete(recordings, callId).path()));
                assertThat(Math.abs(wav.durationMs() - ended.path("durationMs").asLong())).isLessThanOrEqualTo(20.0);
                short[] mix = wav.channel(0);
                int from = mix.length / 2;
                assertThat(ToneDetector.relativePower(mix, from, 44_100, 440, 44_100)).isGreaterThan(0.3);
                assertThat(ToneDetector.relativePower(mix, from, 44_100, 880, 44_100)).isGreaterThan(0.3);
            }
        }
    }
}
