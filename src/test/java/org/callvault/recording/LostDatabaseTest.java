package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.callvault.CallVaultApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.json.JsonMapper;

/**
 * The database file is lost (deleted, or truncated to nothing) while recordings exist: the server
 * must refuse to start an empty library over them, say why and how out; the sidecars rebuild the
 * library. A damaged (not missing) H2 file is reported as damaged, not as an unreachable server.
 */
class LostDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void refusesToStartOverRecordingsWithoutTheirDatabaseAndRebuildsTheLibraryFromSidecars() throws Exception {
        Path recordings = dir.resolve("recordings");
        String callId = UUID.randomUUID().toString();
        String recordingId = UUID.randomUUID().toString();
        writeRecordingWithSidecar(recordings, callId, recordingId);
        String dbUrl = "jdbc:h2:file:" + dir.resolve("db/callvault");

        String refused = output(() -> {
            assertThatThrownBy(() -> start(dbUrl, recordings)).isInstanceOf(Exception.class);
            return null;
        });
        assertThat(refused).contains("The recordings folder " + recordings.toAbsolutePath())
                .contains("2026/12/01/" + callId)
                .contains("--callvault.tools.rebuild-library=true")
                .contains("callvault.recordings.allow-orphans=true");
        assertThat(count(dbUrl, "users")).as("no fresh admin over the orphans").isZero();

        try (ConfigurableApplicationContext rebuilt = start(dbUrl, recordings, "--callvault.tools.rebuild-library=true")) {
            assertThat(rebuilt.isRunning()).isTrue();
        }
        try (Connection db = DriverManager.getConnection(dbUrl, "sa", "")) {
            ResultSet row = db.createStatement().executeQuery("SELECT r.status, r.duration_ms, r.sha256, r.partial, "
                    + "r.parts, c.caller_name, c.agent_username, c.duration_ms AS call_ms FROM recordings r "
                    + "JOIN calls c ON c.id = r.call_id WHERE r.id = '" + recordingId + "'");
            assertThat(row.next()).isTrue();
            assertThat(row.getString("status")).isEqualTo("COMPLETE");
            assertThat(row.getLong("duration_ms")).isEqualTo(1000);
            assertThat(row.getString("sha256")).isEqualTo(RecordingService.sha256(wavOf(recordings, callId)));
            assertThat(row.getBoolean("partial")).isTrue();
            assertThat(row.getInt("parts")).isEqualTo(2);
            assertThat(row.getString("caller_name")).isEqualTo("Ada");
            assertThat(row.getString("agent_username")).isEqualTo("agent7");
            assertThat(row.getLong("call_ms")).isEqualTo(1000);
        }
        // Rebuilt: a plain start is no longer refused.
        try (ConfigurableApplicationContext again = start(dbUrl, recordings)) {
            assertThat(again.isRunning()).isTrue();
        }
    }

    @Test
    void aTruncatedDatabaseFileIsRefusedTooUnlessOrphansAreAllowed() throws Exception {
        Path recordings = dir.resolve("recordings");
        writeRecordingWithSidecar(recordings, UUID.randomUUID().toString(), UUID.randomUUID().toString());
        Path dbFile = dir.resolve("db/callvault.mv.db");
        Files.createDirectories(dbFile.getParent());
        Files.write(dbFile, new byte[0]); // truncated to nothing: H2 opens it as a new database
        String dbUrl = "jdbc:h2:file:" + dir.resolve("db/callvault");

        String refused = output(() -> {
            assertThatThrownBy(() -> start(dbUrl, recordings)).isInstanceOf(Exception.class);
            return null;
        });
        assertThat(refused).contains("holds recordings").contains("allow-orphans");

        try (ConfigurableApplicationContext allowed = start(dbUrl, recordings,
                "--callvault.recordings.allow-orphans=true")) {
            assertThat(allowed.isRunning()).isTrue();
        }
    }

    @Test
    void aDamagedDatabaseFileIsCalledDamagedNotUnreachable() throws Exception {
        Path recordings = dir.resolve("recordings");
        String dbUrl = "jdbc:h2:file:" + dir.resolve("db/callvault");
        try (ConfigurableApplicationContext first = start(dbUrl, recordings)) {
            assertThat(first.isRunning()).isTrue();
        }
        Path dbFile = dir.resolve("db/callvault.mv.db");
        byte[] bytes = Files.readAllBytes(dbFile);
        // Cut in the middle and scrambled: the store's chunks no longer check out.
        byte[] damaged = java.util.Arrays.copyOf(bytes, bytes.length / 3);
        for (int i = 0; i < damaged.length; i += 97) {
            damaged[i] ^= 0x5A;
        }
        Files.write(dbFile, damaged);

        String output = output(() -> {
            assertThatThrownBy(() -> start(dbUrl, recordings)).isInstanceOf(Exception.class);
            return null;
        });
        assertThat(output).contains("damaged").contains(dbUrl).contains("backup")
                .doesNotContain("running and reachable");
    }

    private ConfigurableApplicationContext start(String dbUrl, Path recordings, String... extra) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--callvault.sip.port=0", "--spring.datasource.url=" + dbUrl,
                "--callvault.recordings.dir=" + recordings, "--callvault.admin.password=lost-db-owner-pass",
                "--callvault.recordings.min-free-space=1MB"));
        args.addAll(List.of(extra));
        return SpringApplication.run(CallVaultApplication.class, args.toArray(String[]::new));
    }

    private static String output(Callable<Void> action) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.call();
        }
        finally {
            System.setOut(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }

    private static long count(String dbUrl, String table) throws Exception {
        try (Connection db = DriverManager.getConnection(dbUrl, "sa", "")) {
            ResultSet rs = db.createStatement().executeQuery("SELECT COUNT(*) FROM " + table);
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Path wavOf(Path recordings, String callId) {
        return recordings.resolve("2026/12/01/" + callId + ".wav");
    }

    /** A one-second recording and the sidecar the server writes beside it. */
    private static void writeRecordingWithSidecar(Path recordings, String callId, String recordingId) throws Exception {
        Path wav = wavOf(recordings, callId);
        PrivateFiles.createDirectories(wav.getParent());
        try (WavFileWriter writer = new WavFileWriter(wav, 8_000, 1)) {
            writer.write(new short[8_000], 0, 8_000);
        }
        long answered = 1_764_547_200_000L;
        new RecordingSidecar(RecordingSidecar.VERSION, recordingId, callId, "2026/12/01/" + callId + ".wav", "Ada",
                "+44 20 7946 0000", "agent7", answered - 5_000, answered, answered + 1_000, "CALLER_HANGUP", "WAV",
                8_000, 1, 1_000, Files.size(wav), RecordingService.sha256(wav), true, 2, false, answered + 1_500)
                .write(wav, JsonMapper.builder().build());
    }
}
