package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.assertj.core.api.SoftAssertions;
import org.callvault.media.ToneDetector;
import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingRepository.StoredRecording;
import org.callvault.recording.RecordingStore;
import org.callvault.support.Baresip;
import org.callvault.support.CallHarness;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.callvault.support.MediaSocketClient;
import org.callvault.support.Recordings;
import org.callvault.support.WavFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.JsonNode;

/**
 * A real softphone (baresip, {@link Baresip}) calls the real server over SIP; a Java agent console
 * answers. SIP bound to loopback, so CallVault announces 127.0.0.1 in its Contact and SDP and the
 * phone's signaling and RTP never leave loopback (bound to any, it would announce this host's
 * first interface address). Stereo recordings, so the SIP caller's audio is checked in its own
 * channel: caller left, agent right.
 */
@DatabaseIndependent
@TestPropertySource(properties = { "callvault.recordings.channels=2", "callvault.sip.bind=127.0.0.1" })
class BaresipCallIT extends IntegrationTest {

    @Autowired
    SipServer sip;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    RecordingStore store;

    @TempDir
    Path work;

    @Test
    void baresipCallsTheAgentAnswersAndBaresipHangsUp() throws Exception {
        try (EventSocketClient agent = EventSocketClient.agent(port, signedInAdmin());
                Baresip phone = Baresip.start(work)) {
            phone.dial("sip:agents@127.0.0.1:" + sip.port());
            JsonNode ringing = agent.awaitSipCall("ringing");
            assertThat(ringing.path("callerName").asString()).isEqualTo(Baresip.CALLER_NAME);
            assertThat(ringing.path("callerNumber").asString()).isEqualTo(Baresip.CALLER_NUMBER);
            String callId = ringing.path("id").asString();
            phone.awaitRinging();

            agent.sendJson("type", "answer", "callId", callId);
            agent.awaitCallState(callId, "answered");
            phone.awaitEstablished();
            phone.awaitTalked(Duration.ofSeconds(1));
            // RFC 4733 digits go out on the negotiated telephone-event and land on the call's timeline.
            phone.sendDtmf("123#");
            agent.awaitMessage(m -> callId.equals(m.path("call").path("id").asString())
                    && m.path("call").path("dtmf").size() == 4);
            JsonNode keys = agent.messages().stream()
                    .filter(m -> callId.equals(m.path("call").path("id").asString()) && m.path("call").path("dtmf").size() == 4)
                    .findFirst().orElseThrow().path("call").path("dtmf");
            StringBuilder digits = new StringBuilder();
            keys.forEach(k -> digits.append(k.path("digit").asString()));
            assertThat(digits).hasToString("123#");
            phone.hangUp();

            JsonNode ended = agent.awaitCallState(callId, "ended").path("call");
            assertThat(ended.path("endReason").asString()).isEqualTo("caller_hangup");
            assertThat(ended.path("source").asString()).isEqualTo("sip");
            assertThat(phone.responses(true)).as(phone.logs()).contains("SIP/2.0 200 OK / BYE");
            StoredRecording recording = Recordings.awaitComplete(recordings, callId);
            WavFile wav = WavFile.read(store.resolve(recording.path()));
            assertThat(wav.channels()).isEqualTo(2);
            assertThat(wav.durationMs()).isCloseTo(ended.path("durationMs").asLong(), within(20.0));
            assertThat(wav.durationMs()).isGreaterThanOrEqualTo(1000.0);
            await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0 && sip.activeCalls() == 0);
        }
    }

    @Test
    void agentHangsUpAndBaresipSeesTheBye() throws Exception {
        try (EventSocketClient agent = EventSocketClient.agent(port, signedInAdmin());
                Baresip phone = Baresip.start(work)) {
            phone.dial("sip:agents@127.0.0.1:" + sip.port());
            String callId = agent.awaitSipCall("ringing").path("id").asString();
            agent.sendJson("type", "answer", "callId", callId);
            phone.awaitEstablished();

            agent.sendJson("type", "hangup", "callId", callId);
            JsonNode ended = agent.awaitCallState(callId, "ended").path("call");
            assertThat(ended.path("endReason").asString()).isEqualTo("agent_hangup");
            phone.awaitCallClosed();
            assertThat(phone.requestsReceived()).as(phone.logs()).anyMatch(line -> line.startsWith("BYE sip:"));
            assertThat(phone.responses(false)).as(phone.logs()).contains("SIP/2.0 200 OK / BYE");
            Recordings.awaitComplete(recordings, callId);
            await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0 && sip.activeCalls() == 0);
        }
    }

    /**
     * Needs the SIP leg's RTP wired to the bridge (lead's branch): until then the SIP side's audio
     * is dropped, and the three audio checks at the end fail while every step before them passes.
     */
    @Test
    void bothPartiesHearEachOtherAndTheRecordingHoldsBoth() throws Exception {
        try (EventSocketClient agent = EventSocketClient.agent(port, signedInAdmin());
                Baresip phone = Baresip.start(work, 440)) {
            phone.dial("sip:agents@127.0.0.1:" + sip.port());
            String callId = agent.awaitSipCall("ringing").path("id").asString();
            agent.sendJson("type", "answer", "callId", callId);
            String mediaUrl = agent.awaitType("media").path("url").asString();
            phone.awaitEstablished();
            try (MediaSocketClient agentMedia = MediaSocketClient.open(port, mediaUrl, CallHarness.SAMPLES_PER_FRAME)) {
                agentMedia.stream(CallHarness.tone(880), CallHarness.FRAME_MILLIS);
                // Two seconds of both talking, by each side's own clock (not by what arrives: that is under test).
                await().atMost(Duration.ofSeconds(10)).until(() -> agentMedia.framesSent() >= 100);
                phone.awaitTalked(Duration.ofSeconds(2));
                phone.hangUp();
                agentMedia.stopStreaming();

                JsonNode ended = agent.awaitCallState(callId, "ended").path("call");
                assertThat(ended.path("endReason").asString()).isEqualTo("caller_hangup");
                StoredRecording recording = Recordings.awaitComplete(recordings, callId);
                WavFile wav = WavFile.read(store.resolve(recording.path()));
                assertThat(wav.channels()).isEqualTo(2);
                WavFile heard = WavFile.read(phone.heardWav());
                assertThat(heard.sampleRate()).isEqualTo(Baresip.SAMPLE_RATE);
                short[] agentHeard = agentMedia.receivedSamples();

                SoftAssertions audio = new SoftAssertions();
                audio.assertThat(middlePower(agentHeard, 440, CallHarness.SAMPLE_RATE))
                        .as("440 Hz share of what the agent heard (%d samples)", agentHeard.length).isGreaterThan(0.5);
                audio.assertThat(middlePower(heard.samples(), 880, Baresip.SAMPLE_RATE))
                        .as("880 Hz share of what baresip heard (%d samples)", heard.samples().length)
                        .isGreaterThan(0.5);
                audio.assertThat(middlePower(wav.channel(0), 440, wav.sampleRate()))
                        .as("440 Hz share of the recording's caller (left) channel").isGreaterThan(0.5);
                audio.assertThat(middlePower(wav.channel(1), 880, wav.sampleRate()))
                        .as("880 Hz share of the recording's agent (right) channel").isGreaterThan(0.5);
                audio.assertAll();
            }
        }
    }

    /** The tone's share of the signal's middle half (skips the set-up and tear-down edges). */
    private static double middlePower(short[] samples, double frequency, int sampleRate) {
        return ToneDetector.relativePower(samples, samples.length / 4, samples.length / 2, frequency, sampleRate);
    }

}
