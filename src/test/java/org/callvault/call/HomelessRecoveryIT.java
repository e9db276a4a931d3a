package org.callvault.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.UUID;

import org.callvault.recording.RecordingStore;
import org.callvault.recording.WavHeader;
import org.callvault.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * A deployment that ran as one node (calls without {@code home_node}, left live by a crash) started
 * again as a cluster: the real {@link CrashRecovery} of the application, run as node a and then as
 * node c (its database and recordings folder stand for the shared database and each node's disk).
 * A homeless call is closed by the first node with SERVER_RESTART; its recording is repaired by the
 * node whose folder has the file, and only then does the call take the recording's length.
 */
// A context of its own: a fresh database holding only this test's rows, which recovery goes through.
@TestPropertySource(properties = "homeless-recovery-it=own-context")
class HomelessRecoveryIT extends IntegrationTest {

    private static final long ANSWERED_AT = 1_000_000;

    @Autowired
    CrashRecovery recovery;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RecordingStore store;

    @Autowired
    Clock clock;

    @Test
    void homelessCallsAreClosedOnceAndRepairedByTheNodeThatHasTheFile() throws IOException {
        String here = call(null, "ANSWERED");
        String elsewhere = call(null, "ANSWERED");
        String ringing = call(null, "RINGING");
        String onB = call("b", "ANSWERED");
        String onA = call("a", "ANSWERED");
        String hereFile = recording(here);
        String elsewhereFile = recording(elsewhere);
        // Even with a file of that name in this folder, node b's open recording is node b's to repair.
        crashImage(recording(onB), 500);
        crashImage(hereFile, 1_000);

        long startedAt = clock.millis();
        recovery.recover("a");

        assertThat(row(here)).isEqualTo("ENDED SERVER_RESTART 1000 1001000 a");
        assertThat(recordingStatus(here)).isEqualTo("COMPLETE 1000 true");
        // Its file is on no disk here: closed, counting the time until now, and left for its node.
        assertThat(row(elsewhere)).startsWith("ENDED SERVER_RESTART ").endsWith(" null");
        assertThat(duration(elsewhere)).isGreaterThanOrEqualTo(startedAt - ANSWERED_AT);
        assertThat(recordingStatus(elsewhere)).isEqualTo("RECORDING 0 false");
        assertThat(row(ringing)).startsWith("FAILED SERVER_RESTART ");
        assertThat(row(onB)).isEqualTo("ANSWERED null null null b");
        assertThat(recordingStatus(onB)).isEqualTo("RECORDING 0 false");
        assertThat(row(onA)).startsWith("ENDED SERVER_LOST ");

        // Node c, whose disk has the other file, starts later: the closed call takes the audio's length.
        crashImage(elsewhereFile, 2_000);
        recovery.recover("c");

        assertThat(recordingStatus(elsewhere)).isEqualTo("COMPLETE 2000 true");
        assertThat(row(elsewhere)).isEqualTo("ENDED SERVER_RESTART 2000 1002000 c");
        assertThat(row(here)).as("node a's now").endsWith(" a");
        assertThat(row(onB)).isEqualTo("ANSWERED null null null b");
    }

    private String call(String node, String state) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("""
                INSERT INTO calls (id, state, caller_name, created_at, answered_at, home_node)
                VALUES (?, ?, 'Bob', ?, ?, ?)""").params(id, state, ANSWERED_AT - 5_000, ANSWERED_AT, node).update();
        return id;
    }

    private String recording(String callId) {
        String path = "2026/12/03/" + callId + ".wav";
        jdbc.sql("""
                INSERT INTO recordings (id, call_id, path, format, sample_rate, channels, status, repaired, created_at)
                VALUES (?, ?, ?, 'WAV', 44100, 1, 'RECORDING', ?, ?)
                """).params(UUID.randomUUID().toString(), callId, path, false, ANSWERED_AT).update();
        return path;
    }

    /** A WAV file as a crash leaves it: header sizes 0, then {@code millis} of 44.1 kHz mono audio. */
    private void crashImage(String path, int millis) throws IOException {
        Path file = store.resolve(path);
        Files.createDirectories(file.getParent());
        Files.write(file, WavHeader.pcm16(44_100, 1, 0).toBytes());
        Files.write(file, new byte[44_100 * 2 * millis / 1000], StandardOpenOption.APPEND);
    }

    private String row(String callId) {
        return jdbc.sql("SELECT state, end_reason, duration_ms, ended_at, home_node FROM calls WHERE id = ?")
                .param(callId).query((rs, n) -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getObject(3) + " "
                        + rs.getObject(4) + " " + rs.getString(5)).single();
    }

    private long duration(String callId) {
        return jdbc.sql("SELECT duration_ms FROM calls WHERE id = ?").param(callId).query(Long.class).single();
    }

    private String recordingStatus(String callId) {
        return jdbc.sql("SELECT status, duration_ms, repaired FROM recordings WHERE call_id = ?").param(callId)
                .query((rs, n) -> rs.getString(1) + " " + rs.getLong(2) + " " + rs.getBoolean(3)).single();
    }
}
