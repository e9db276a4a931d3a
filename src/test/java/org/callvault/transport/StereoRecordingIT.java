package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.callvault.media.ToneDetector;
import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingStore;
import org.callvault.support.CallHarness;
import org.callvault.support.IntegrationTest;
import org.callvault.support.Recordings;
import org.callvault.support.WavFile;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.JsonNode;

/** callvault.recordings.channels=2: caller on the left, agent on the right. */
@TestPropertySource(properties = "callvault.recordings.channels=2")
class StereoRecordingIT extends IntegrationTest {

    @Autowired
    RecordingRepository recordings;

    @Autowired
    RecordingStore store;

    @Test
    void callerIsLeftAgentIsRight() throws Exception {
        WebClientSession admin = signedInAdmin();
        try (CallHarness call = new CallHarness(port, admin)) {
            call.dial("Stereo");
            call.answer();
            call.talk(440, 880);
            await().atMost(Duration.ofSeconds(10)).until(() -> call.agentMedia.framesReceived() >= 75);
            JsonNode ended = call.hangUpByCaller();
            var row = Recordings.awaitComplete(recordings, call.callId);
            assertThat(row.channels()).isEqualTo(2);
            WavFile wav = WavFile.read(store.resolve(row.path()));
            assertThat(wav.channels()).isEqualTo(2);
            assertThat(wav.fileBytes()).isEqualTo(44 + 4L * wav.frames());
            assertThat(wav.durationMs()).isCloseTo(ended.path("durationMs").asLong(), within(20.0));
            short[] left = wav.channel(0);
            short[] right = wav.channel(1);
            int from = left.length / 4;
            int length = left.length / 2;
            assertThat(ToneDetector.relativePower(left, from, length, 440, 44_100)).isGreaterThan(0.9);
            assertThat(ToneDetector.relativePower(left, from, length, 880, 44_100)).isLessThan(0.01);
            assertThat(ToneDetector.relativePower(right, from, length, 880, 44_100)).isGreaterThan(0.9);
            assertThat(ToneDetector.relativePower(right, from, length, 440, 44_100)).isLessThan(0.01);
        }
    }
}
