package org.callvault.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.callvault.media.ToneDetector;
import org.callvault.support.CallHarness;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.Endpoint;
import org.callvault.support.EventSocketClient;
import org.callvault.support.MediaSocketClient;
import org.callvault.support.OggFile;
import org.callvault.support.OpusFrames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * A console agrees its codec with its own node, but its media socket goes to the call's node
 * (docs/ARCHITECTURE.md, "Live calls across nodes", the codec travels with the answer). Two real
 * nodes, a real HAProxy routing media by token, stereo Ogg Opus recordings: the caller on node a,
 * the console on node b, every mix of Opus and PCM; both hear each other, the recording has each in
 * its channel, and two Opus parties are recorded from their own packets ({@code CallParty.speaksOpus}
 * is right for the console of the other node) while a PCM party makes the recorder encode. Before
 * the fix an Opus console on node b was taken for PCM on node a: its media socket was closed 1008
 * and the caller heard nothing.
 */
@DatabaseIndependent
class CrossNodeOpusIT {

    private static final String HELLO_OPUS = "{\"type\":\"hello\",\"version\":2,\"codecs\":[\"opus\",\"pcm\"]}";
    private static final int CALLER_HZ = 1000;
    private static final int AGENT_HZ = 440;
    private static final int FRAMES = 150;
    /** What Opus talkers are asked for (the default {@code callvault.media.opus-bitrate}). */
    private static final int OPUS_BITRATE = 32_000;
    /** Opus talkers start with silence, so the encoder's first frames do not count in what is heard. */
    private static final int SILENT_FRAMES = 10;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the servers' logs
    static Path dir;

    static CallNodes nodes;

    @BeforeAll
    static void startTwoNodesAndTheBalancer() throws Exception {
        nodes = CallNodes.start(dir, "--callvault.calls.when-nobody-available=wait",
                "--callvault.recordings.format=opus", "--callvault.recordings.channels=2");
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void anOpusConsoleOnNodeBTalksWithAPcmCallerOnNodeA() throws Exception {
        talk(false, true);
    }

    @Test
    void aPcmConsoleOnNodeBTalksWithAnOpusCallerOnNodeA() throws Exception {
        talk(true, false);
    }

    @Test
    void anOpusConsoleOnNodeBAndAnOpusCallerOnNodeAAreRecordedFromTheirPackets() throws Exception {
        talk(true, true);
    }

    private static void talk(boolean callerOpus, boolean agentOpus) throws Exception {
        try (EventSocketClient console = EventSocketClient.open(Endpoint.local(nodes.b().port), "agent",
                nodes.b().signedInAdmin());
                EventSocketClient caller = EventSocketClient.open(Endpoint.local(nodes.a().port), "caller", null)) {
            if (callerOpus) {
                sayHelloOpus(caller);
            }
            if (agentOpus) {
                sayHelloOpus(console);
            }
            caller.sendJson("type", "dial", "callerName", "Codecs across nodes");
            String callId = caller.awaitType("leg").path("callId").asString();
            console.awaitCallState(callId, "ringing");
            console.sendJson("type", "answer", "callId", callId);
            JsonNode agentMedia = console.awaitType("media");
            JsonNode callerMedia = caller.awaitType("media");
            assertThat(agentMedia.path("url").asString()).as("the call's node takes the console's media")
                    .startsWith("/ws/media?token=a.");
            assertThat(agentMedia.has("codec") ? agentMedia.path("codec").asString() : "pcm").isEqualTo(agentOpus ? "opus" : "pcm");

            Endpoint balancer = Endpoint.local(nodes.proxy.port);
            try (MediaSocketClient callerAudio = MediaSocketClient.open(balancer, callerMedia.path("url").asString(),
                    callerOpus ? 960 : CallHarness.SAMPLES_PER_FRAME);
                    MediaSocketClient agentAudio = MediaSocketClient.open(balancer, agentMedia.path("url").asString(),
                            agentOpus ? 960 : CallHarness.SAMPLES_PER_FRAME)) {
                speak(callerAudio, callerOpus, CALLER_HZ);
                speak(agentAudio, agentOpus, AGENT_HZ);
                await().atMost(Duration.ofSeconds(15)).until(() -> callerAudio.framesReceived() >= FRAMES - 20
                        && agentAudio.framesReceived() >= FRAMES - 20 || agentAudio.isClosed() || callerAudio.isClosed());
                assertThat(agentAudio.isClosed()).as("the console's media socket stays open: " + agentAudio.texts())
                        .isFalse();
                assertThat(callerAudio.isClosed()).as("the caller's media socket stays open").isFalse();
                assertThat(agentAudio.texts()).as("no bad_frame for the console").doesNotContain("bad_frame");
                callerAudio.stopStreaming();
                agentAudio.stopStreaming();
                caller.sendJson("type", "hangup", "callId", callId);
                console.awaitCallState(callId, "ended");

                double agentHeard = heard(agentAudio, agentOpus, CALLER_HZ);
                double callerHeard = heard(callerAudio, callerOpus, AGENT_HZ);
                System.out.printf("CrossNodeOpusIT: caller %s, console %s: the console hears the caller at %.3f,"
                        + " the caller the console at %.3f of the power%n", callerOpus ? "Opus" : "PCM",
                        agentOpus ? "Opus" : "PCM", agentHeard, callerHeard);
                assertThat(agentHeard).as("the console hears the caller").isGreaterThan(0.8);
                assertThat(callerHeard).as("the caller hears the console").isGreaterThan(0.8);
            }

            // The recording, on the call's node: each party in its channel; packets kept when both spoke Opus.
            Map<String, Object> row = await().atMost(Duration.ofSeconds(20)).until(() -> nodes.row(callId),
                    r -> "COMPLETE".equals(r.get("recording_status")));
            assertThat(row.get("home_node")).isEqualTo("a");
            Path file = oggOf(nodes.a().recordings, callId);
            // A recording of the talkers' own packets is as dear as the two streams they were asked for
            // (RecordingService); one the recorder encodes has the Ogg writer's stereo rate.
            if (callerOpus && agentOpus) {
                assertThat(row.get("bitrate")).as("stored from the talkers' own packets").isEqualTo(2 * OPUS_BITRATE);
            }
            else {
                assertThat(row.get("bitrate")).as("encoded by the recorder").isNotEqualTo(2 * OPUS_BITRATE);
            }
            OggFile ogg = OggFile.read(file);
            assertThat(ogg.channels()).isEqualTo(2);
            short[] left = ogg.channel(0);
            short[] right = ogg.channel(1);
            assertThat(ToneDetector.relativePower(left, 0, left.length, CALLER_HZ, OggFile.SAMPLE_RATE))
                    .as("the caller in the left channel").isGreaterThan(0.5);
            assertThat(ToneDetector.relativePower(right, 0, right.length, AGENT_HZ, OggFile.SAMPLE_RATE))
                    .as("the console's agent in the right channel").isGreaterThan(0.5);
        }
    }

    private static void sayHelloOpus(EventSocketClient client) {
        client.send(HELLO_OPUS);
        assertThat(client.awaitType("hello").path("codec").asString()).isEqualTo("opus");
    }

    /** A tone in real time: Opus packets at 48 kHz, or PCM frames at 44.1 kHz. */
    private static void speak(MediaSocketClient audio, boolean opus, int hz) {
        if (opus) {
            audio.streamFrames(OpusFrames.tone(hz, 8000, FRAMES, SILENT_FRAMES), CallHarness.FRAME_MILLIS);
        }
        else {
            audio.stream(CallHarness.tone(hz), CallHarness.FRAME_MILLIS);
        }
    }

    /** Share of the power at {@code hz} in what a socket received, decoded if it speaks Opus. */
    private static double heard(MediaSocketClient audio, boolean opus, int hz) {
        short[] samples = opus ? OpusFrames.decode(audio.receivedFrames()) : audio.receivedSamples();
        int rate = opus ? 48_000 : CallHarness.SAMPLE_RATE;
        // Past the first fifth: the talkers' leading silence and the codec's start.
        int from = samples.length / 5;
        return ToneDetector.relativePower(samples, from, samples.length - from, hz, rate);
    }

    private static Path oggOf(Path recordings, String callId) throws Exception {
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            if (!Files.isDirectory(recordings)) {
                return null;
            }
            try (var files = Files.walk(recordings)) {
                return files.filter(p -> p.getFileName().toString().equals(callId + ".opus")).findFirst().orElse(null);
            }
        }, p -> p != null);
    }
}
