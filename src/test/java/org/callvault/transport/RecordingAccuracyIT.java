package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingStore;
import org.callvault.support.CallHarness;
import org.callvault.support.IntegrationTest;
import org.callvault.support.Recordings;
import org.callvault.support.WavFile;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

/** Twenty calls at once: every recording's length equals its answered time within one frame. */
class RecordingAccuracyIT extends IntegrationTest {

    private static final int CALLS = 20;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    RecordingStore store;

    @Test
    void twentyConcurrentCallsAreEachRecordedForExactlyTheirAnsweredTime() throws Exception {
        WebClientSession admin = signedInAdmin();
        List<CallHarness> calls = new ArrayList<>();
        try {
            for (int i = 0; i < CALLS; i++) {
                CallHarness call = new CallHarness(port, admin);
                calls.add(call);
                call.dial("Caller " + i);
                call.answer();
                call.talk(440, 880);
            }
            // Calls of different lengths: hang up one by one as audio keeps flowing.
            List<Double> errors = new ArrayList<>();
            for (CallHarness call : calls) {
                long target = call.agentMedia.framesReceived() + 10;
                await().atMost(Duration.ofSeconds(10)).until(() -> call.agentMedia.framesReceived() >= target);
                JsonNode ended = call.hangUpByCaller();
                WavFile wav = WavFile.read(store.resolve(Recordings.awaitComplete(recordings, call.callId).path()));
                assertThat(wav.fileBytes()).isEqualTo(44 + 2 * wav.frames());
                errors.add(wav.durationMs() - ended.path("durationMs").asLong());
            }
            double worst = errors.stream().mapToDouble(Math::abs).max().orElseThrow();
            System.out.printf("Recording duration error over %d calls: worst %.2f ms, all %s%n", CALLS, worst, errors);
            assertThat(worst).isLessThanOrEqualTo(20.0);
        }
        finally {
            calls.forEach(CallHarness::close);
        }
    }
}
