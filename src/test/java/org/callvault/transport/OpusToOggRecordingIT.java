package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.callvault.media.ToneGenerator;
import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingStore;
import org.callvault.support.CallHarness;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.IntegrationTest;
import org.callvault.support.OggFile;
import org.callvault.support.Recordings;
import org.callvault.support.TestUsers;
import org.callvault.support.ToneQuality;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.JsonNode;

/**
 * Issue 18 point 5, the paths into an Ogg Opus recording: an Opus caller (what a browser sends on
 * protocol version 2) and a PCM agent, recorded as stereo Ogg Opus. Each party's tone keeps its
 * frequency and level (within 1 dB) with an SNR of at least 25 dB in its own channel, and neither
 * path shifts its party in time against the other by more than a frame.
 */
@DatabaseIndependent
@Import(TestUsers.class)
@TestPropertySource(properties = { "callvault.recordings.format=opus", "callvault.recordings.channels=2" })
class OpusToOggRecordingIT extends IntegrationTest {

    private static final int RATE = 48_000;

    @Autowired
    TestUsers testUsers;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    RecordingStore store;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Test
    void anOpusCallersAndAPcmAgentsTonesKeepLevelCleanlinessAndTimeInTheirOwnChannels() throws Exception {
        WebClientSession agent = newSession();
        agent.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        try (CallHarness call = new CallHarness(port, agent)) {
            OpusWireIT.sayHelloOpus(call.caller);
            String callId = call.dial("Opus caller to Ogg");
            call.agent.sendJson("type", "answer", "callId", callId);
            JsonNode callerMedia = call.caller.awaitType("media");
            JsonNode agentMedia = call.agent.awaitType("media");
            call.callerMedia = org.callvault.support.MediaSocketClient.open(port, callerMedia.path("url").asString(), 960);
            call.agentMedia = org.callvault.support.MediaSocketClient.open(port, agentMedia.path("url").asString(), 882);

            // Both tones start after SILENT_FRAMES frames of their own streams: their onsets in the
            // file, less the moments the two streams were started, say how far the paths shift them.
            int frames = 200;
            List<byte[]> callerFrames = OpusWireIT.opusTone(1000, frames); // encoded before the clock starts
            long callerStart = System.nanoTime();
            call.callerMedia.streamFrames(callerFrames, 20);
            long agentStart = System.nanoTime();
            ToneGenerator agentTone = new ToneGenerator(44_100, 440, OpusWireIT.AMPLITUDE);
            call.agentMedia.stream((samples, start) -> {
                if (start >= 882L * OpusWireIT.SILENT_FRAMES) {
                    agentTone.fill(samples, 0, samples.length, start);
                }
            }, 20);
            await().atMost(Duration.ofSeconds(15)).until(() -> call.callerMedia.framesSent() >= frames
                    && call.agentMedia.framesSent() >= frames);
            JsonNode ended = call.hangUpByCaller();

            var row = Recordings.awaitComplete(recordings, callId);
            double shiftMs = assertPartiesInTheirChannels(store.resolve(row.path()), ended, callerStart - agentStart,
                    "Opus caller and PCM agent -> Ogg");
            assertThat(shiftMs).as("one path against the other, in ms").isBetween(-20.0, 20.0);
        }
    }

    /**
     * Two Opus talkers: the recording stores their own packets, one stream each, and neither leg
     * decodes a frame (issue 18 point 2: the recorder gets what it needs and nothing more).
     */
    @Test
    void twoOpusTalkersAreRecordedFromTheirOwnPacketsWithNothingDecoded() throws Exception {
        WebClientSession agent = newSession();
        agent.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        double decodedBefore = meters.counter("callvault.media.frames.undecodable").count();
        double passedBefore = meters.counter("callvault.media.frames.opus.passed").count();
        try (CallHarness call = new CallHarness(port, agent)) {
            OpusWireIT.sayHelloOpus(call.caller);
            OpusWireIT.sayHelloOpus(call.agent);
            String callId = call.dial("Opus both to Ogg");
            call.agent.sendJson("type", "answer", "callId", callId);
            JsonNode callerMedia = call.caller.awaitType("media");
            JsonNode agentMedia = call.agent.awaitType("media");
            call.callerMedia = org.callvault.support.MediaSocketClient.open(port, callerMedia.path("url").asString(), 960);
            call.agentMedia = org.callvault.support.MediaSocketClient.open(port, agentMedia.path("url").asString(), 960);

            int frames = 200;
            List<byte[]> callerFrames = OpusWireIT.opusTone(1000, frames);
            List<byte[]> agentFrames = OpusWireIT.opusTone(440, frames);
            long callerStart = System.nanoTime();
            call.callerMedia.streamFrames(callerFrames, 20);
            long agentStart = System.nanoTime();
            call.agentMedia.streamFrames(agentFrames, 20);
            await().atMost(Duration.ofSeconds(15)).until(() -> call.callerMedia.framesSent() >= frames
                    && call.agentMedia.framesSent() >= frames);
            JsonNode ended = call.hangUpByCaller();

            var row = Recordings.awaitComplete(recordings, callId);
            var file = store.resolve(row.path());
            assertThat(org.callvault.recording.OggOpusReader.header(file).mappingFamily()).isEqualTo(1);
            double shiftMs = assertPartiesInTheirChannels(file, ended, callerStart - agentStart, "Opus packets -> Ogg");
            // The row tells what the file is: the talkers' own packets, at the rate they were asked for, each.
            assertThat(jdbc.sql("SELECT bitrate FROM recordings WHERE id = ?").param(row.id()).query(Integer.class).single())
                    .isEqualTo(2 * 32_000);
            // Whole packets in 20 ms slots: each party within half a slot, so within a frame of each other.
            assertThat(shiftMs).as("one party against the other, in ms").isBetween(-20.0, 20.0);
            // Every frame of both talkers went through undecoded, but for those a leg sent before the other
            // leg's listener attached (at most 10 each way are held, decoded for whichever sink comes).
            assertThat(meters.counter("callvault.media.frames.opus.passed").count() - passedBefore)
                    .isGreaterThanOrEqualTo(2.0 * frames - 20);
            assertThat(meters.counter("callvault.media.frames.undecodable").count()).isEqualTo(decodedBefore);
        }
    }

    /**
     * The recording lasts the call (within 20 ms); the caller's 1 kHz tone is in the left channel
     * and the agent's 440 Hz in the right, each at its level within 1 dB and with an SNR of at least
     * 25 dB (the other party must not bleed in), measured over a second from 200 ms after its onset
     * (past the encoders' first frames).
     *
     * @return how far the two onsets are apart in the file, less how far the streams started apart, in ms
     */
    private static double assertPartiesInTheirChannels(java.nio.file.Path file, JsonNode ended, long startsApartNanos,
            String label) throws java.io.IOException {
        OggFile ogg = OggFile.read(file);
        assertThat(ogg.channels()).isEqualTo(2);
        assertThat(ogg.durationMs()).isCloseTo(ended.path("durationMs").asLong(), within(20.0));
        short[] left = ogg.channel(0);
        short[] right = ogg.channel(1);
        int callerOnset = OpusWireIT.onset(left);
        int agentOnset = OpusWireIT.onset(right);
        assertThat(callerOnset).as("the caller's tone is in the left channel").isPositive();
        assertThat(agentOnset).as("the agent's tone is in the right channel").isPositive();
        ToneQuality caller = ToneQuality.measure(left, callerOnset + RATE / 5, RATE, 1000, RATE);
        ToneQuality agent = ToneQuality.measure(right, agentOnset + RATE / 5, RATE, 440, RATE);
        double shiftMs = (callerOnset - agentOnset) * 1000.0 / RATE - startsApartNanos / 1e6;
        System.out.printf("%s: caller level %+.2f dB, SNR %.1f dB; agent level %+.2f dB, SNR %.1f dB;"
                + " caller against agent %+.1f ms%n", label, caller.levelDbAgainst(OpusWireIT.AMPLITUDE),
                caller.snrDb(), agent.levelDbAgainst(OpusWireIT.AMPLITUDE), agent.snrDb(), shiftMs);
        assertThat(caller.levelDbAgainst(OpusWireIT.AMPLITUDE)).isBetween(-1.0, 1.0);
        assertThat(caller.snrDb()).as("the agent's tone must not bleed into the caller's channel")
                .isGreaterThanOrEqualTo(25);
        assertThat(agent.levelDbAgainst(OpusWireIT.AMPLITUDE)).isBetween(-1.0, 1.0);
        assertThat(agent.snrDb()).isGreaterThanOrEqualTo(25);
        return shiftMs;
    }
}
