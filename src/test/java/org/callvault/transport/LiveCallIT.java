package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.callvault.media.ToneDetector;
import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingRepository.StoredRecording;
import org.callvault.recording.RecordingStore;
import org.callvault.support.CallHarness;
import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.Recordings;
import org.callvault.support.WavFile;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

import tools.jackson.databind.JsonNode;

/** Real calls through the real server: the caller streams 440 Hz, the agent 880 Hz. */
@Import(TestUsers.class)
class LiveCallIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    RecordingStore store;

    @Test
    void bothPartiesHearEachOtherAndTheRecordingHoldsBothForTheAnsweredTime() throws Exception {
        WebClientSession agentLogin = newSession();
        String agentName = testUsers.create(Role.AGENT);
        agentLogin.signIn(agentName, TestUsers.PASSWORD);

        try (CallHarness call = new CallHarness(port, agentLogin)) {
            String callId = call.dial("Alice");
            call.answer();
            call.talk(440, 880);
            await().atMost(Duration.ofSeconds(10)).until(() -> call.agentMedia.framesReceived() >= 100
                    && call.callerMedia.framesReceived() >= 100);
            JsonNode ended = call.hangUpByCaller();
            assertThat(ended.path("endReason").asString()).isEqualTo("caller_hangup");
            assertThat(ended.path("agent").asString()).isEqualTo(agentName);
            call.caller.awaitCallState(callId, "ended");

            // Live audio: each side heard the other, not itself.
            short[] agentHeard = call.agentMedia.receivedSamples();
            short[] callerHeard = call.callerMedia.receivedSamples();
            assertThat(ToneDetector.relativePower(agentHeard, 0, agentHeard.length, 440, 44_100)).isGreaterThan(0.8);
            assertThat(ToneDetector.relativePower(agentHeard, 0, agentHeard.length, 880, 44_100)).isLessThan(0.05);
            assertThat(ToneDetector.relativePower(callerHeard, 0, callerHeard.length, 880, 44_100)).isGreaterThan(0.8);
            assertThat(ToneDetector.relativePower(callerHeard, 0, callerHeard.length, 440, 44_100)).isLessThan(0.05);

            // The recording: finalized by itself, exact length, both voices, row matching the file.
            StoredRecording recording = Recordings.awaitComplete(recordings, callId);
            Path file = store.resolve(recording.path());
            assertThat(recording.path()).matches("\\d{4}/\\d{2}/\\d{2}/" + callId + "\\.wav");
            WavFile wav = WavFile.read(file);
            assertThat(wav.sampleRate()).isEqualTo(44_100);
            assertThat(wav.channels()).isEqualTo(1);
            assertThat(wav.fileBytes()).isEqualTo(44 + 2L * wav.frames());
            assertThat(wav.declaredDataBytes()).isEqualTo(2L * wav.frames());
            long answeredMs = ended.path("durationMs").asLong();
            assertThat(answeredMs).isGreaterThan(1500);
            assertThat(wav.durationMs()).isCloseTo(answeredMs, within(20.0));
            assertThat(recording.sizeBytes()).isEqualTo(wav.fileBytes());
            assertThat(recording.durationMs()).isCloseTo(answeredMs, within(20L));
            assertThat(recording.sha256()).hasSize(64);

            int middle = (int) (wav.frames() / 4);
            int length = (int) (wav.frames() / 2);
            assertThat(ToneDetector.relativePower(wav.samples(), middle, length, 440, 44_100)).isGreaterThan(0.3);
            assertThat(ToneDetector.relativePower(wav.samples(), middle, length, 880, 44_100)).isGreaterThan(0.3);
        }
    }

    @Test
    void severalCallsAtOnceStayIndependent() throws Exception {
        WebClientSession agentLogin = newSession();
        agentLogin.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        try (CallHarness first = new CallHarness(port, agentLogin);
                CallHarness second = new CallHarness(port, agentLogin)) {
            first.dial("First");
            second.dial("Second");
            first.answer();
            second.answer();
            first.talk(440, 880);
            second.talk(660, 1320);
            await().atMost(Duration.ofSeconds(10)).until(() -> first.agentMedia.framesReceived() >= 50
                    && second.agentMedia.framesReceived() >= 50);
            first.hangUpByCaller();
            second.hangUpByCaller();
            short[] secondHeard = second.agentMedia.receivedSamples();
            assertThat(ToneDetector.relativePower(secondHeard, 0, secondHeard.length, 660, 44_100)).isGreaterThan(0.8);
            assertThat(ToneDetector.relativePower(secondHeard, 0, secondHeard.length, 440, 44_100)).isLessThan(0.05);
            WavFile secondWav = WavFile.read(store.resolve(Recordings.awaitComplete(recordings, second.callId).path()));
            assertThat(ToneDetector.relativePower(secondWav.samples(), 0, secondWav.samples().length, 440, 44_100))
                    .isLessThan(0.05);
        }
    }

}
