package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;

import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingRepository.StoredRecording;
import org.callvault.recording.RecordingStore;
import org.callvault.support.CallHarness;
import org.callvault.support.IntegrationTest;
import org.callvault.support.MediaSocketClient;
import org.callvault.support.TestUsers;
import org.callvault.support.Recordings;
import org.callvault.support.WavFile;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import tools.jackson.databind.JsonNode;

/** The media socket's admission rules and its answers to bad frames. */
@Import(TestUsers.class)
class MediaProtocolIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Autowired
    MeterRegistry meters;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    RecordingStore store;

    WebClientSession agentLogin;

    @BeforeEach
    void signInAgent() {
        agentLogin = newSession();
        agentLogin.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
    }

    @Test
    void socketsWithoutAValidTokenAreRefused() {
        assertThat(closeCode("/ws/media")).isEqualTo(4400);
        assertThat(closeCode("/ws/media?token=not-a-real-token")).isEqualTo(4401);
    }

    @Test
    void aLegTakesOneMediaSocketAndEndedCallsTokensDie() {
        try (CallHarness call = new CallHarness(port, agentLogin)) {
            call.dial("Frank");
            call.answer();
            String callerUrl = call.caller.awaitType("media").path("url").asString();
            assertThat(closeCode(callerUrl)).isEqualTo(4409);
            call.hangUpByCaller();
            assertThat(closeCode(callerUrl)).isEqualTo(4401);
        }
    }

    @Test
    void badFramesAreRejectedCountedAndDisturbNothing() throws Exception {
        double rejectedBefore = rejectedFrames();
        try (CallHarness call = new CallHarness(port, agentLogin)) {
            call.dial("Grace");
            call.answer();
            call.talk(440, 880);
            await().atMost(Duration.ofSeconds(5)).until(() -> call.agentMedia.framesReceived() > 20);

            MediaSocketClient caller = call.callerMedia;
            caller.sendRaw(new byte[] { 1, 0, 0 });                                   // too short
            caller.sendRaw(badVersion());                                             // version 9
            caller.sendRaw(new byte[TOO_LARGE]);               // oversized
            caller.sendRaw(oddPayload());                                             // odd payload
            caller.sendText("{\"type\":\"hello\"}");                                  // text on media
            await().atMost(Duration.ofSeconds(5)).until(() -> rejectedFrames() - rejectedBefore >= 5);
            await().atMost(Duration.ofSeconds(5)).until(() -> caller.texts().contains("bad_frame"));

            long heardBefore = call.agentMedia.framesReceived();
            await().atMost(Duration.ofSeconds(5)).until(() -> call.agentMedia.framesReceived() > heardBefore + 20);
            assertThat(caller.isClosed()).isFalse();
            JsonNode ended = call.hangUpByCaller();

            WavFile wav = WavFile.read(store.resolve(Recordings.awaitComplete(recordings, call.callId).path()));
            assertThat(wav.durationMs()).isCloseTo(ended.path("durationMs").asLong(), within(20.0));
        }
    }

    @Test
    void aVanishedMediaLegEndsTheCallAndTheRecordingIsFinalized() throws Exception {
        try (CallHarness call = new CallHarness(port, agentLogin)) {
            call.dial("Heidi");
            call.answer();
            call.talk(440, 880);
            await().atMost(Duration.ofSeconds(5)).until(() -> call.callerMedia.framesReceived() > 20);
            call.agentMedia.close(); // the agent's tab dies
            JsonNode ended = call.caller.awaitCallState(call.callId, "ended").path("call");
            assertThat(ended.path("endReason").asString()).isEqualTo("agent_lost");
            WavFile wav = WavFile.read(store.resolve(Recordings.awaitComplete(recordings, call.callId).path()));
            assertThat(wav.durationMs()).isCloseTo(ended.path("durationMs").asLong(), within(20.0));
        }
    }

    @Test
    void whenTheCallEndsALegClosesItselfCleanlyAndOneThatKeepsStreamingIsClosedByTheServer() {
        try (CallHarness call = new CallHarness(port, agentLogin)) {
            call.dial("Ivan");
            call.answer();
            call.talk(440, 880);
            await().atMost(Duration.ofSeconds(5)).until(() -> call.agentMedia.framesReceived() > 20);
            call.agentMedia.stopStreaming();
            // The caller hangs up, but its page goes on streaming and never closes its media socket.
            call.caller.sendJson("type", "hangup", "callId", call.callId);
            call.agent.awaitCallState(call.callId, "ended");
            call.agentMedia.closeNormally(); // the agent's console, on the final state
            await().atMost(Duration.ofSeconds(5)).until(call.agentMedia::isClosed);
            assertThat(call.agentMedia.closeCode()).isEqualTo(1000);
            await().atMost(Duration.ofSeconds(6)).until(call.callerMedia::isClosed);
            assertThat(call.callerMedia.closeCode()).isEqualTo(1000);
        }
    }

    private int closeCode(String url) {
        MediaSocketClient client = MediaSocketClient.open(port, url, CallHarness.SAMPLES_PER_FRAME);
        await().atMost(Duration.ofSeconds(5)).until(client::isClosed);
        return client.closeCode();
    }

    private double rejectedFrames() {
        var counter = meters.find("callvault.media.frames.rejected").counter();
        return counter == null ? 0 : counter.count();
    }

    private static byte[] badVersion() {
        byte[] frame = MediaSocketClient.frame(0, 0, new short[882]);
        frame[0] = 9;
        return frame;
    }

    private static byte[] oddPayload() {
        byte[] frame = new byte[16 + 1763];
        byte[] header = MediaSocketClient.frame(0, 0, new short[1]);
        System.arraycopy(header, 0, frame, 0, 16);
        return frame;
    }


    private static final int TOO_LARGE = 16 + 4 * 1764 + 2; // over the limit, under Netty's 64 KiB cap
}
