package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;

import org.callvault.call.CallRepository;
import org.callvault.call.CallSearchIndex;
import org.callvault.call.EndReason;
import org.callvault.support.TestDatabases;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Crash recovery among several nodes, on every engine selected with {@code -Dcallvault.test.databases}:
 * a node that starts again closes, and finds the open recordings of, only the calls it carried
 * ({@code calls.home_node}, V28); another node's live calls and their recordings are left alone.
 * One node (no id) still closes every live call, as before.
 */
class HomeNodeRecoveryDatabaseTest {

    static Stream<String> databases() {
        return TestDatabases.selected().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRestartingNodeClosesOnlyItsOwnLiveCallsAndRecordings(String engine) {
        try (var db = TestDatabases.create(engine)) {
            var dataSource = new DriverManagerDataSource(db.url(), db.username(), db.password());
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            CallRepository calls = new CallRepository(jdbc, new CallSearchIndex(new JdbcTemplate(dataSource)),
                    new DataSourceTransactionManager(dataSource));
            RecordingRepository recordings = new RecordingRepository(jdbc);
            String answeredOnA = liveCall(jdbc, "a", "ANSWERED");
            String ringingOnA = liveCall(jdbc, "a", "RINGING");
            String answeredOnB = liveCall(jdbc, "b", "ANSWERED");
            String recordingOnA = openRecording(jdbc, answeredOnA);
            openRecording(jdbc, answeredOnB);

            assertThat(recordings.findUnfinished("a")).extracting(RecordingRepository.Unfinished::id)
                    .containsExactly(recordingOnA);
            assertThat(recordings.findUnfinished(null)).hasSize(2);

            assertThat(calls.failLiveCalls(EndReason.SERVER_LOST, Instant.ofEpochMilli(9_000), "a")).isEqualTo(2);
            assertThat(stateAndReason(jdbc, answeredOnA)).isEqualTo("ENDED SERVER_LOST");
            assertThat(stateAndReason(jdbc, ringingOnA)).isEqualTo("FAILED SERVER_LOST");
            assertThat(stateAndReason(jdbc, answeredOnB)).as("node b still carries it").isEqualTo("ANSWERED null");

            assertThat(calls.failLiveCalls(EndReason.SERVER_RESTART, Instant.ofEpochMilli(9_000), null)).isEqualTo(1);
            assertThat(stateAndReason(jdbc, answeredOnB)).isEqualTo("ENDED SERVER_RESTART");
        }
    }

    private static String liveCall(JdbcClient jdbc, String node, String state) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("INSERT INTO calls (id, state, caller_name, created_at, answered_at, home_node) VALUES (?, ?, 'Bob', 1, 2, ?)")
                .params(id, state, node).update();
        return id;
    }

    private static String openRecording(JdbcClient jdbc, String callId) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("""
                INSERT INTO recordings (id, call_id, path, format, sample_rate, channels, status, repaired, created_at)
                VALUES (?, ?, ?, 'WAV', 44100, 1, 'RECORDING', ?, 1)
                """).params(id, callId, "2026/12/03/" + callId + ".wav", false).update();
        return id;
    }

    private static String stateAndReason(JdbcClient jdbc, String callId) {
        return jdbc.sql("SELECT state, end_reason FROM calls WHERE id = ?").param(callId)
                .query((rs, n) -> rs.getString(1) + " " + rs.getString(2)).single();
    }
}
