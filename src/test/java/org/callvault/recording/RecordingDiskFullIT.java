package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;


import org.callvault.media.ToneDetector;
import org.callvault.support.CallHarness;
import org.callvault.support.IntegrationTest;
import org.callvault.support.WavFile;
import org.callvault.support.WebClientSession;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real full disk: the recordings folder is a 20 MB tmpfs (mounted here; the tests run as root,
 * as CI does), filled by a file mid-call, then freed. The recording must keep what it had written,
 * playable with its true length, be marked partial and counted, tell the agent, and go on in a
 * second part once space is back.
 */
class RecordingDiskFullIT extends SmallDiskServer {

    @Autowired
    JsonMapper json;

    @Test
    void aFullDiskLeavesAPlayablePartialRecordingThatResumesInASecondPart() throws Exception {
        WebClientSession admin = new WebClientSession(port);
        admin.signIn("admin", IntegrationTest.ADMIN_PASSWORD);
        Path filler = mountPoint.resolve("filler.bin");
        try (CallHarness call = new CallHarness(port, admin)) {
            call.dial("Disk full");
            call.answer();
            call.talk(440, 880);
            String callId = call.callId;
            Path main = await().atMost(Duration.ofSeconds(20)).until(() -> findFile(callId + ".wav"),
                    f -> f != null && f.toFile().length() > 44 + 2 * 44_100 * 2); // two seconds of mono

            SmallDisk.fill(filler);
            JsonNode interrupted = call.agent.awaitMessage(m -> "recording".equals(m.path("type").asString())
                    && "interrupted".equals(m.path("state").asString()));
            assertThat(interrupted.path("callId").asString()).isEqualTo(callId);
            assertThat(interrupted.path("reason").asString()).isEqualTo("disk_full");
            assertThat(interrupted.path("part").asInt()).isEqualTo(1);
            // Closed where it stood, its header telling exactly what the file holds.
            WavFile cut = WavFile.read(main);
            assertThat(cut.declaredDataBytes()).isEqualTo(cut.fileBytes() - 44);
            assertThat(cut.durationMs()).isGreaterThan(2000);
            assertThat(meters.get("callvault.recordings.failed").counter().count()).isEqualTo(1.0);
            assertThat(meters.get("callvault.recordings.disk.full").counter().count()).isGreaterThanOrEqualTo(1.0);
            var health = admin.get("/actuator/health");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
            assertThat(health.body()).contains("recordingSpace", "OUT_OF_SERVICE", "min-free-space");

            Files.delete(filler);
            JsonNode resumed = call.agent.awaitMessage(m -> "recording".equals(m.path("type").asString())
                    && "resumed".equals(m.path("state").asString()));
            assertThat(resumed.path("part").asInt()).isEqualTo(2);
            Path second = await().atMost(Duration.ofSeconds(20)).until(() -> findFile(callId + ".part2.wav"),
                    f -> f != null && f.toFile().length() > 44 + 44_100 * 2); // a second of mono
            call.hangUpByCaller();

            var row = await().atMost(Duration.ofSeconds(10)).until(() -> recordings.findByCallId(callId).get(0),
                    r -> r.status() == RecordingStatus.COMPLETE);
            WavFile first = WavFile.read(main);
            assertThat(first.fileBytes()).isEqualTo(cut.fileBytes());
            assertThat((double) row.durationMs()).isCloseTo(first.durationMs(), within(1.0));
            assertThat(row.sizeBytes()).isEqualTo(first.fileBytes());
            assertThat(row.parts()).isEqualTo(2);
            int from = (int) first.frames() / 4;
            assertThat(ToneDetector.relativePower(first.samples(), from, (int) first.frames() / 2, 440, 44_100))
                    .isGreaterThan(0.3);
            WavFile part2 = WavFile.read(second);
            assertThat(part2.declaredDataBytes()).isEqualTo(part2.fileBytes() - 44);
            assertThat(ToneDetector.relativePower(part2.samples(), (int) part2.frames() / 4, (int) part2.frames() / 2,
                    880, 44_100)).isGreaterThan(0.3);

            JsonNode api = json.readTree(admin.get("/api/recordings/" + row.id()).body()).path("recording");
            assertThat(api.path("partial").asBoolean()).isTrue();
            assertThat(api.path("parts").asInt()).isEqualTo(2);
            assertThat(api.path("status").asString()).isEqualTo("complete");
            assertThat(admin.getBytes("/api/recordings/" + row.id() + "/audio", Map.of()).body())
                    .hasSize((int) first.fileBytes());
            assertThat(admin.getBytes("/api/recordings/" + row.id() + "/audio?part=2", Map.of()).body())
                    .hasSize((int) part2.fileBytes());
            assertThat(admin.getBytes("/api/recordings/" + row.id() + "/audio?part=3", Map.of()).statusCode())
                    .isEqualTo(404);

            Path sidecar = await().atMost(Duration.ofSeconds(5)).until(() -> findFile(callId + ".json"),
                    f -> f != null);
            RecordingSidecar meta = RecordingSidecar.read(sidecar, json);
            assertThat(meta.partial()).isTrue();
            assertThat(meta.parts()).isEqualTo(2);
            assertThat(meta.sha256()).isEqualTo(row.sha256());
            assertThat(meta.callerName()).isEqualTo("Disk full");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(main))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sidecar))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(main.getParent())))
                    .isEqualTo("rwx------");
        }
        finally {
            Files.deleteIfExists(filler);
        }
    }

    private Path findFile(String name) throws IOException {
        return SmallDisk.find(store.root(), name);
    }
}
