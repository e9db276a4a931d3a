package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;


import org.callvault.media.ToneDetector;
import org.callvault.support.CallHarness;
import org.callvault.support.IntegrationTest;
import org.callvault.support.OggFile;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.JsonNode;

/**
 * {@link RecordingDiskFullIT} for stereo Ogg Opus recordings, whose pages are written by the
 * encoding pool ({@code OggEncoding}), not the recorder thread: the failed page write must still
 * reach the recording as a full disk, leave a first part that plays (its torn page cut off, the
 * parties in their channels), and the call go on in a second part once space is back.
 */
@TestPropertySource(properties = { "callvault.recordings.format=opus", "callvault.recordings.channels=2" })
class OggRecordingDiskFullIT extends SmallDiskServer {

    @Test
    void aFullDiskUnderTheEncodingPoolLeavesAPlayableFirstPartAndTheCallGoesOnInASecond() throws Exception {
        WebClientSession admin = new WebClientSession(port);
        admin.signIn("admin", IntegrationTest.ADMIN_PASSWORD);
        Path filler = mountPoint.resolve("filler.bin");
        try (CallHarness call = new CallHarness(port, admin)) {
            call.dial("Ogg disk full");
            call.answer();
            call.talk(440, 880);
            String callId = call.callId;
            // Audio reaches the file after the late-audio window (5 s) and a page (1 s): wait for 2 s of it.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Path file = SmallDisk.find(store.root(), callId + ".opus");
                return file != null && OggOpusReader.lastGranule(file) > 2 * OggFile.SAMPLE_RATE;
            });
            Path main = SmallDisk.find(store.root(), callId + ".opus");

            SmallDisk.fill(filler);
            JsonNode interrupted = call.agent.awaitMessage(m -> "recording".equals(m.path("type").asString())
                    && "interrupted".equals(m.path("state").asString()));
            assertThat(interrupted.path("callId").asString()).isEqualTo(callId);
            assertThat(interrupted.path("reason").asString()).isEqualTo("disk_full");
            assertThat(interrupted.path("part").asInt()).isEqualTo(1);
            assertThat(meters.get("callvault.recordings.disk.full").counter().count()).isGreaterThanOrEqualTo(1.0);

            Files.delete(filler);
            JsonNode resumed = call.agent.awaitMessage(m -> "recording".equals(m.path("type").asString())
                    && "resumed".equals(m.path("state").asString()));
            assertThat(resumed.path("part").asInt()).isEqualTo(2);
            // Two seconds of the call after the resume (100 frames heard by the agent), then hang up:
            // finishing writes the second part's held window out.
            long heard = call.agentMedia.framesReceived();
            await().atMost(Duration.ofSeconds(10)).until(() -> call.agentMedia.framesReceived() >= heard + 100);
            call.hangUpByCaller();

            var row = await().atMost(Duration.ofSeconds(20)).until(() -> recordings.findByCallId(callId).get(0),
                    r -> r.status() == RecordingStatus.COMPLETE);
            assertThat(row.parts()).isEqualTo(2);
            OggFile first = OggFile.read(main);
            assertThat(first.durationMs()).isGreaterThan(2_000);
            assertThat((double) row.durationMs()).isCloseTo(first.durationMs(), within(1.0));
            assertThat(row.sizeBytes()).isEqualTo(first.fileBytes());
            int from = (int) first.frames() / 4;
            int length = (int) first.frames() / 2;
            assertThat(ToneDetector.relativePower(first.channel(0), from, length, 440, OggFile.SAMPLE_RATE))
                    .as("the caller in the left channel").isGreaterThan(0.3);
            assertThat(ToneDetector.relativePower(first.channel(1), from, length, 880, OggFile.SAMPLE_RATE))
                    .as("the agent in the right channel").isGreaterThan(0.3);

            OggFile second = OggFile.read(SmallDisk.find(store.root(), callId + ".part2.opus"));
            assertThat(second.durationMs()).isGreaterThan(1_000);
            assertThat(ToneDetector.relativePower(second.channel(1), (int) second.frames() / 4,
                    (int) second.frames() / 2, 880, OggFile.SAMPLE_RATE)).isGreaterThan(0.3);
        }
        finally {
            Files.deleteIfExists(filler);
        }
    }
}
