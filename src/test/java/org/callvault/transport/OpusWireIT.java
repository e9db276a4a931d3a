package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.callvault.support.DatabaseIndependent;
import org.callvault.media.MediaFrame;
import org.callvault.media.ToneDetector;
import org.callvault.media.ToneGenerator;
import org.callvault.media.codec.OpusWire;
import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingStore;
import org.callvault.support.CallHarness;
import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.callvault.support.MediaSocketClient;
import org.callvault.support.OpusFrames;
import org.callvault.support.Recordings;
import org.callvault.support.TestUsers;
import org.callvault.support.ToneQuality;
import org.callvault.support.WavFile;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import tools.jackson.databind.JsonNode;

/**
 * Protocol version 2 with real sockets and the real codec: a client that negotiates Opus beside a
 * version-1 PCM client, two Opus clients (relayed byte for byte), and hostile Opus input.
 */
@DatabaseIndependent
@Import(TestUsers.class)
class OpusWireIT extends IntegrationTest {

    static final String HELLO_OPUS = "{\"type\":\"hello\",\"version\":2,\"codecs\":[\"opus\",\"pcm\"]}";
    static final double AMPLITUDE = 8000;
    /** The talker's tone starts after this many silent frames: its onset measures the time shift. */
    static final int SILENT_FRAMES = 25;

    @Autowired
    TestUsers testUsers;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    RecordingStore store;

    private WebClientSession agentSignedIn() {
        WebClientSession login = newSession();
        login.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        return login;
    }

    static void sayHelloOpus(EventSocketClient client) {
        client.send(HELLO_OPUS);
        JsonNode reply = client.awaitType("hello");
        assertThat(reply.path("version").asInt()).isEqualTo(2);
        assertThat(reply.path("codec").asString()).isEqualTo("opus");
    }

    static List<byte[]> opusTone(double frequency, int count) {
        return OpusFrames.tone(frequency, AMPLITUDE, count, SILENT_FRAMES);
    }

    /** A PCM listener's frames placed by their timestamps (44.1 kHz). */
    static short[] placePcm(List<byte[]> frames, int length) {
        short[] out = new short[length];
        for (byte[] frame : frames) {
            long at = MediaFrame.timestamp(frame);
            int n = MediaFrame.sampleCount(frame);
            for (int i = 0; i < n && at + i < length; i++) {
                out[(int) at + i] = (short) ((frame[16 + 2 * i] & 0xff) | (frame[17 + 2 * i] << 8));
            }
        }
        return out;
    }

    static short[] decodeOpus(List<byte[]> frames) {
        return OpusFrames.decode(frames);
    }

    static int onset(short[] samples) {
        for (int i = 0; i < samples.length; i++) {
            if (Math.abs(samples[i]) >= AMPLITUDE / 2) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void anOpusCallerAndAVersionOnePcmAgentHearEachOtherAndTheRecordingIsExact() throws Exception {
        try (CallHarness call = new CallHarness(port, agentSignedIn())) {
            sayHelloOpus(call.caller);
            String callId = call.dial("Opus caller");
            call.agent.sendJson("type", "answer", "callId", callId);
            JsonNode callerMedia = call.caller.awaitType("media");
            JsonNode agentMedia = call.agent.awaitType("media");
            // Version 2 is told what its socket carries; version 1 gets the message it always got.
            assertThat(callerMedia.path("codec").asString()).isEqualTo("opus");
            assertThat(callerMedia.path("kind").asInt()).isEqualTo(1);
            assertThat(callerMedia.path("sampleRate").asInt()).isEqualTo(48_000);
            assertThat(callerMedia.path("frameMillis").asInt()).isEqualTo(20);
            assertThat(callerMedia.path("bitrate").asInt()).as("what the talker is asked to encode at").isEqualTo(32_000);
            assertThat(agentMedia.has("codec")).isFalse();
            assertThat(agentMedia.has("version")).isFalse();

            call.callerMedia = MediaSocketClient.open(port, callerMedia.path("url").asString(), 960);
            call.agentMedia = MediaSocketClient.open(port, agentMedia.path("url").asString(), 882);
            int frames = 150;
            call.callerMedia.streamFrames(opusTone(1000, frames), 20);
            ToneGenerator agentTone = new ToneGenerator(44_100, 440, AMPLITUDE);
            call.agentMedia.stream((samples, start) -> {
                if (start >= 882L * SILENT_FRAMES) {
                    agentTone.fill(samples, 0, samples.length, start);
                }
            }, 20);
            await().atMost(Duration.ofSeconds(15)).until(() -> call.agentMedia.framesReceived() >= frames - 5
                    && call.callerMedia.framesReceived() >= frames - 5);
            JsonNode ended = call.hangUpByCaller();

            // The PCM agent hears the caller's 1 kHz: right frequency and level, clean, on time.
            short[] agentHeard = placePcm(call.agentMedia.receivedFrames(), 882 * frames);
            ToneQuality atAgent = ToneQuality.measure(agentHeard, 882 * 50, 882 * 80, 1000, 44_100);
            assertThat(atAgent.levelDbAgainst(AMPLITUDE)).isBetween(-1.0, 1.0);
            assertThat(atAgent.snrDb()).isGreaterThanOrEqualTo(25);
            double agentShiftMs = (onset(agentHeard) - 882.0 * SILENT_FRAMES) / 44.1;
            assertThat(agentShiftMs).isBetween(0.0, 20.0);

            // The Opus caller hears the agent's 440 Hz, encoded once by the server.
            short[] callerHeard = decodeOpus(call.callerMedia.receivedFrames());
            assertThat(ToneDetector.relativePower(callerHeard, 960 * 50, 960 * 60, 440, 48_000)).isGreaterThan(0.9);
            ToneQuality atCaller = ToneQuality.measure(callerHeard, 960 * 50, 960 * 60, 440, 48_000);
            assertThat(atCaller.levelDbAgainst(AMPLITUDE)).isBetween(-1.0, 1.0);
            assertThat(atCaller.snrDb()).isGreaterThanOrEqualTo(25);
            double callerShiftMs = (onset(callerHeard) - 960.0 * SILENT_FRAMES) / 48.0;
            System.out.printf("Opus -> PCM: level %+.2f dB, SNR %.1f dB, shift %.1f ms; PCM -> Opus: level %+.2f dB, "
                    + "SNR %.1f dB, shift %.1f ms%n", atAgent.levelDbAgainst(AMPLITUDE), atAgent.snrDb(), agentShiftMs,
                    atCaller.levelDbAgainst(AMPLITUDE), atCaller.snrDb(), callerShiftMs);
            assertThat(callerShiftMs).isBetween(0.0, 20.0);

            // The recording: canonical PCM of both, as long as the answered time.
            WavFile wav = WavFile.read(store.resolve(Recordings.awaitComplete(recordings, callId).path()));
            assertThat(wav.sampleRate()).isEqualTo(44_100);
            assertThat(wav.durationMs()).isCloseTo(ended.path("durationMs").asLong(), within(20.0));
            int middle = (int) (wav.frames() / 3);
            int length = (int) (wav.frames() / 3);
            assertThat(ToneDetector.relativePower(wav.samples(), middle, length, 1000, 44_100)).isGreaterThan(0.3);
            assertThat(ToneDetector.relativePower(wav.samples(), middle, length, 440, 44_100)).isGreaterThan(0.3);
        }
    }

    @Test
    void betweenTwoOpusLegsFramesAreRelayedByteForByte() throws Exception {
        try (CallHarness call = new CallHarness(port, agentSignedIn())) {
            sayHelloOpus(call.caller);
            sayHelloOpus(call.agent);
            String callId = call.dial("Opus both");
            call.agent.sendJson("type", "answer", "callId", callId);
            JsonNode callerMedia = call.caller.awaitType("media");
            JsonNode agentMedia = call.agent.awaitType("media");
            assertThat(agentMedia.path("codec").asString()).isEqualTo("opus");
            call.callerMedia = MediaSocketClient.open(port, callerMedia.path("url").asString(), 960);
            call.agentMedia = MediaSocketClient.open(port, agentMedia.path("url").asString(), 960);
            int frames = 100;
            List<byte[]> sent = opusTone(1000, frames);
            call.callerMedia.streamFrames(sent, 20);
            call.agentMedia.streamFrames(opusTone(440, frames), 20);
            await().atMost(Duration.ofSeconds(15)).until(() -> call.agentMedia.framesReceived() >= frames - 5);
            JsonNode ended = call.hangUpByCaller();

            Map<Long, byte[]> bySequence = new HashMap<>();
            sent.forEach(frame -> bySequence.put(MediaFrame.sequence(frame), frame));
            List<byte[]> received = call.agentMedia.receivedFrames();
            assertThat(received).hasSizeGreaterThanOrEqualTo(frames - 5);
            for (byte[] frame : received) {
                assertThat(Arrays.equals(frame, bySequence.get(MediaFrame.sequence(frame))))
                        .as("frame %d as sent", MediaFrame.sequence(frame)).isTrue();
            }
            // Decoded once for the recorder: both tones are in the file, which is as long as the call.
            WavFile wav = WavFile.read(store.resolve(Recordings.awaitComplete(recordings, callId).path()));
            assertThat(wav.durationMs()).isCloseTo(ended.path("durationMs").asLong(), within(20.0));
            int middle = (int) (wav.frames() / 3);
            int length = (int) (wav.frames() / 3);
            assertThat(ToneDetector.relativePower(wav.samples(), middle, length, 1000, 44_100)).isGreaterThan(0.3);
            assertThat(ToneDetector.relativePower(wav.samples(), middle, length, 440, 44_100)).isGreaterThan(0.3);
        }
    }

    @Test
    void hostileOpusInputIsRefusedCountedAndTheLegGoesOn() throws Exception {
        try (CallHarness call = new CallHarness(port, agentSignedIn())) {
            // A hello the server cannot agree to is refused and changes nothing.
            call.caller.send("{\"type\":\"hello\",\"version\":3,\"codecs\":[\"opus\"]}");
            assertThat(call.caller.awaitError("bad_message").path("message").asString()).contains("version");
            call.caller.clear();
            call.caller.send("{\"type\":\"hello\",\"version\":2,\"codecs\":[\"g729\"]}");
            assertThat(call.caller.awaitError("bad_message").path("message").asString()).contains("g729");
            call.caller.clear();
            sayHelloOpus(call.caller);
            String callId = call.dial("Hostile");
            call.agent.sendJson("type", "answer", "callId", callId);
            JsonNode callerMedia = call.caller.awaitType("media");
            JsonNode agentMedia = call.agent.awaitType("media");
            call.callerMedia = MediaSocketClient.open(port, callerMedia.path("url").asString(), 960);
            call.agentMedia = MediaSocketClient.open(port, agentMedia.path("url").asString(), 882);
            MediaSocketClient opus = call.callerMedia;

            byte[] pcmOnOpus = MediaSocketClient.frame(0, 0, new short[882]);
            byte[] empty = new byte[16];
            MediaFrame.writeHeader(empty, OpusWire.KIND_OPUS, 0, 0);
            byte[] oversized = new byte[16 + OpusWire.MAX_PAYLOAD + 1];
            MediaFrame.writeHeader(oversized, OpusWire.KIND_OPUS, 0, 0);
            byte[] undecodable = new byte[18];
            MediaFrame.writeHeader(undecodable, OpusWire.KIND_OPUS, 0, 0);
            undecodable[16] = 0x03; // code 3 with no frames: not an Opus packet
            expectRefusal(opus, pcmOnOpus, "kind 0 on a media socket negotiated for opus");
            expectRefusal(opus, empty, "empty Opus payload");
            expectRefusal(opus, oversized, "over the limit of 1276");
            expectRefusal(opus, undecodable, "undecodable Opus packet");
            // The agent's version-1 socket refuses an Opus frame it never agreed to.
            byte[] opusOnPcm = opusTone(1000, 1).get(0);
            expectRefusal(call.agentMedia, opusOnPcm, "unsupported kind 1");

            // Nothing of it reached the listener, and the leg still works.
            assertThat(call.agentMedia.framesReceived()).isZero();
            List<byte[]> good = opusTone(1000, 40);
            opus.streamFrames(good, 20);
            await().atMost(Duration.ofSeconds(10)).until(() -> call.agentMedia.framesReceived() >= 35);
            assertThat(opus.isClosed()).isFalse();
        }
    }

    /** Sends the frame until its error comes back (errors are answered at most once a second). */
    private static void expectRefusal(MediaSocketClient socket, byte[] frame, String reason) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(300)).until(() -> {
            socket.sendRaw(frame);
            return socket.texts().contains(reason);
        });
    }
}
