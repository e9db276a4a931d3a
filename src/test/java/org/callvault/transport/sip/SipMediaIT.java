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

    /** G.722 offered first is answered; the phone's 6 kHz tone (beyond G.711's band) reaches the agent. */
    @Test
    void g722CarriesWidebandBothWays() throws Exception {
        talkAndCheck("G722");
    }

    private void talkAndCheck(String codec) throws Exception {
        try (EventSocketClient agent = agentConsole(); SipTestPhone phone = new SipTestPhone(sip.port())) {
            phone.invite("Grace Hopper", "+15550001111", codec);
            String callId = agent.awaitSipCall("ringing").path("id").asString();
            agent.sendJson("type", "answer", "callId", callId);
            assertThat(phone.awaitFinal(Duration.ofSeconds(5))).startsWith("SIP/2.0 200");
            try (MediaSocketClient agentMedia = MediaSocketClient.open(port,
                    agent.awaitType("media").path("url").asString(), CallHarness.SAMPLES_PER_FRAME)) {
                int callerTone = codec.equals("G722") ? 6_000 : 440;
                phone.streamTone(callerTone, n -> false);
                agentMedia.stream(CallHarness.tone(880), CallHarness.FRAME_MILLIS);

                // Two seconds of each direction.
                await().atMost(Duration.ofSeconds(10)).until(() -> agentMedia.framesReceived() >= 100);
                phone.awaitPacketsHeard(100);

                short[] agentHeard = agentMedia.receivedSamples();
                short[] tail = Arrays.copyOfRange(agentHeard, agentHeard.length - RATE, agentHeard.length);
                assertThat(ToneDetector.relativePower(tail, 0, tail.length, callerTone, RATE))
                        .as("agent hears " + callerTone + " Hz").isGreaterThan(0.9);
                short[] phoneHeard = phone.heardSamples();
                int phoneRate = phone.heardRate();
                short[] phoneTail = Arrays.copyOfRange(phoneHeard, phoneHeard.length - phoneRate, phoneHeard.length);
                assertThat(ToneDetector.relativePower(phoneTail, 0, phoneTail.length, 880, phoneRate))
                        .as("phone hears 880 Hz").isGreaterThan(0.9);
                assertThat(phone.lastPayloadType()).isEqualTo(codec.equals("PCMA") ? 8 : codec.equals("G722") ? 9 : 0);

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
                assertThat(ToneDetector.relativePower(mix, from, length, callerTone, RATE)).as("caller in the recording")
                        .isGreaterThan(0.3);
                assertThat(ToneDetector.relativePower(mix, from, length, 880, RATE)).as("agent in the recording")
                        .isGreaterThan(0.3);
                await().atMost(Duration.ofSeconds(5)).until(() -> sip.rtpPortsInUse() == 0);
            }
        }
    }

    @Test
    void digitsLossHoldAndAStrangersPacketsAreHandledAsTheyShouldBe() throws Exception {
        WebClientSession admin = signedInAdmin();
        try (EventSocketClient agent = agentConsole(); SipTestPhone phone = new SipTestPhone(sip.port());
                java.net.DatagramSocket stranger = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            phone.invite("Alan Turing", "+15550002222", "PCMU");
            String callId = agent.awaitSipCall("ringing").path("id").asString();
            agent.sendJson("type", "answer", "callId", callId);
            assertThat(phone.awaitFinal(Duration.ofSeconds(5))).startsWith("SIP/2.0 200");
            try (MediaSocketClient agentMedia = MediaSocketClient.open(port,
                    agent.awaitType("media").path("url").asString(), CallHarness.SAMPLES_PER_FRAME)) {
                // Every tenth packet is lost on the way.
                java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
                phone.streamTone(440, n -> n % 10 == 5 && dropped.incrementAndGet() > 0);
                agentMedia.stream(CallHarness.tone(880), CallHarness.FRAME_MILLIS);
                await().atMost(Duration.ofSeconds(10)).until(() -> agentMedia.framesReceived() >= 60);

                // A stranger sends a 1 kHz tone to the call's RTP port: the latch ignores it.
                strangerSends(stranger, phone.serverRtp(), 50);
                long before = agentMedia.framesReceived();
                await().atMost(Duration.ofSeconds(10)).until(() -> agentMedia.framesReceived() >= before + 50);
                short[] heard = agentMedia.receivedSamples();
                short[] last = Arrays.copyOfRange(heard, heard.length - RATE, heard.length);
                assertThat(ToneDetector.relativePower(last, 0, last.length, 1000, RATE)).as("no stranger's audio")
                        .isLessThan(0.01);
                // One frame in ten is a gap of silence: the tone keeps most of the power, not all.
                assertThat(ToneDetector.relativePower(last, 0, last.length, 440, RATE)).isGreaterThan(0.4);

                // Keys pressed reach the consoles on the call's timeline.
                for (int digit : new int[] { 4, 2 }) {
                    phone.sendDigit(digit);
                    await().atMost(Duration.ofSeconds(5)).until(() -> agent.messages().stream()
                            .anyMatch(m -> callId.equals(m.path("call").path("id").asString())
                                    && m.path("call").path("dtmf").size() == (digit == 4 ? 1 : 2)));
                }

                // Hold: answered recvonly, the consoles see it, nothing is sent to the phone.
                assertThat(phone.reInvite("sendonly", 2)).startsWith("SIP/2.0 200").contains("a=recvonly");
                agent.awaitMessage(m -> callId.equals(m.path("call").path("id").asString())
                        && m.path("call").path("held").asBoolean());
                long heldAt = phone.packetsHeard();
                long agentFrames = agentMedia.framesReceived();
                await().atMost(Duration.ofSeconds(5)).until(() -> agentMedia.framesReceived() >= agentFrames + 25);
                assertThat(phone.packetsHeard()).as("nothing sent while held").isLessThanOrEqualTo(heldAt + 2);
                short[] during = agentMedia.receivedSamples();
                assertThat(ToneDetector.rms(during, during.length - 10 * 882, 10 * 882)).as("silence while held")
                        .isLessThan(1.0);
                assertThat(phone.reInvite("sendrecv", 3)).startsWith("SIP/2.0 200").contains("a=sendrecv");
                agent.awaitMessage(m -> callId.equals(m.path("call").path("id").asString())
                        && m.path("call").path("state").asString().equals("answered")
                        && !m.path("call").path("held").asBoolean() && m.path("call").path("dtmf").size() == 2
                        && agent.messages().indexOf(m) > 0);
                phone.awaitPacketsHeard(heldAt + 50);

                phone.stopStreaming();
                agentMedia.stopStreaming();
                phone.bye();
                agent.awaitCallState(callId, "ended");
                Recordings.awaitComplete(recordings, callId);
                await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/api/calls/" + callId).body()
                        .contains("\"lostPackets\":" + dropped.get())
                        // the last drop is only seen as lost if a packet followed it
                        || admin.get("/api/calls/" + callId).body().contains("\"lostPackets\":" + (dropped.get() - 1)));
                JsonNode stored = tools.jackson.databind.json.JsonMapper.builder().build()
                        .readTree(admin.get("/api/calls/" + callId).body());
                assertThat(dropped.get()).isGreaterThan(10);
                assertThat(stored.path("dtmf").get(0).path("digit").asString()).isEqualTo("4");
                assertThat(stored.path("dtmf").get(1).path("digit").asString()).isEqualTo("2");
                assertThat(stored.path("dtmf").get(1).path("atMs").asLong())
                        .isGreaterThan(stored.path("dtmf").get(0).path("atMs").asLong());
                // The library shows the keys and the loss beside the call.
                String library = admin.get("/recordings?q=Turing").body();
                assertThat(library).contains("keys 42").contains("data-testid=\"row-lost\"")
                        .contains("data-testid=\"row-source\"");
            }
        }
    }

    /** {@code count} PCMU packets of a 1 kHz tone, from a socket that is not the phone's. */
    private static void strangerSends(java.net.DatagramSocket stranger, java.net.InetSocketAddress to, int count)
            throws Exception {
        org.callvault.media.ToneGenerator tone = new org.callvault.media.ToneGenerator(8_000, 1000, 16_000);
        for (int n = 0; n < count; n++) {
            byte[] packet = new byte[12 + 160];
            packet[0] = (byte) 0x80;
            packet[2] = (byte) (n >>> 8);
            packet[3] = (byte) n;
            org.callvault.media.G711.PCMU.encode(tone.generate(n * 160L, 160), 0, 160, packet, 12);
            stranger.send(new java.net.DatagramPacket(packet, packet.length, to));
        }
    }

    private EventSocketClient agentConsole() {
        WebClientSession login = newSession();
        login.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        return EventSocketClient.agent(port, login);
    }

}
