package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
 * a node that starts again closes, and finds the open recordings of, the calls it carried
 * ({@code calls.home_node}, V28) and those without a home; another node's live calls and their recordings are left alone.
 * One node (no id) still closes every live call, as before. Calls without a home (a process that ran
 * without the cluster) are closed by any node, once, and their recordings are found by every node
 * (the one whose folder has the file repairs it: {@code call.HomelessRecoveryIT}).
 */
class HomeNodeRecoveryDatabaseTest {

    static Stream<String> databases() {
        return TestDatabases.selected().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRestartingNodeClosesItsOwnAndTheHomelessLiveCallsAndFindsTheirRecordings(String engine) {
        try (var db = TestDatabases.create(engine)) {
            var dataSource = migrated(db);
            JdbcClient jdbc = JdbcClient.create(dataSource);
            CallRepository calls = calls(jdbc, dataSource);
            RecordingRepository recordings = new RecordingRepository(jdbc);
            String answeredOnA = liveCall(jdbc, "a", "ANSWERED");
            String ringingOnA = liveCall(jdbc, "a", "RINGING");
            String answeredOnB = liveCall(jdbc, "b", "ANSWERED");
            // Homeless: written by a process that ran without the cluster (before V28, or one node).
            String answeredHomeless = liveCall(jdbc, null, "ANSWERED");
            String ringingHomeless = liveCall(jdbc, null, "RINGING");
            String recordingOnA = openRecording(jdbc, answeredOnA);
            String recordingOnB = openRecording(jdbc, answeredOnB);
            String homelessRecording = openRecording(jdbc, answeredHomeless);

            assertThat(recordings.findUnfinished("a")).as("node a: its own and the homeless one, not node b's")
                    .extracting(RecordingRepository.Unfinished::id, RecordingRepository.Unfinished::homeless)
                    .containsExactlyInAnyOrder(tuple(recordingOnA, false), tuple(homelessRecording, true));
            assertThat(recordings.findUnfinished(null)).as("one node: every one is its own")
                    .extracting(RecordingRepository.Unfinished::id, RecordingRepository.Unfinished::homeless)
                    .containsExactlyInAnyOrder(tuple(recordingOnA, false), tuple(recordingOnB, false),
                            tuple(homelessRecording, false));

            assertThat(calls.failLiveCallsWithoutHome(EndReason.SERVER_RESTART, Instant.ofEpochMilli(9_000)))
                    .isEqualTo(2);
            assertThat(stateAndReason(jdbc, answeredHomeless)).isEqualTo("ENDED SERVER_RESTART");
            assertThat(stateAndReason(jdbc, ringingHomeless)).isEqualTo("FAILED SERVER_RESTART");
            assertThat(stateAndReason(jdbc, answeredOnA)).as("node a's own: next").isEqualTo("ANSWERED null");
            assertThat(calls.failLiveCallsWithoutHome(EndReason.SERVER_RESTART, Instant.ofEpochMilli(9_500)))
                    .as("a second node starting later closes nothing again").isZero();

            assertThat(calls.failLiveCalls(EndReason.SERVER_LOST, Instant.ofEpochMilli(9_000), "a")).isEqualTo(2);
            assertThat(stateAndReason(jdbc, answeredOnA)).isEqualTo("ENDED SERVER_LOST");
            assertThat(stateAndReason(jdbc, ringingOnA)).isEqualTo("FAILED SERVER_LOST");
            assertThat(stateAndReason(jdbc, answeredOnB)).as("node b still carries it").isEqualTo("ANSWERED null");

            assertThat(recordings.adopt(answeredHomeless, "a")).isTrue();
            assertThat(recordings.adopt(answeredHomeless, "c")).as("taken by node a already").isFalse();
            assertThat(recordings.adopt(answeredOnB, "c")).as("node b's call is not homeless").isFalse();
            assertThat(jdbc.sql("SELECT home_node FROM calls WHERE id = ?").param(answeredHomeless).query(String.class)
                    .single()).isEqualTo("a");

            assertThat(calls.failLiveCalls(EndReason.SERVER_RESTART, Instant.ofEpochMilli(9_000), null)).isEqualTo(1);
            assertThat(stateAndReason(jdbc, answeredOnB)).isEqualTo("ENDED SERVER_RESTART");
        }
    }

    /** Two nodes starting at once: each homeless live call is closed once, counted once. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void twoNodesStartingAtOnceCloseEachHomelessCallOnce(String engine) throws Exception {
        try (var db = TestDatabases.create(engine)) {
            var dataSource = migrated(db);
            JdbcClient jdbc = JdbcClient.create(dataSource);
            CallRepository calls = calls(jdbc, dataSource);
            for (int i = 0; i < 300; i++) {
                liveCall(jdbc, null, i % 3 == 0 ? "RINGING" : "ANSWERED");
            }
            var start = new CyclicBarrier(2);
            Callable<Integer> node = () -> {
                start.await();
                return calls.failLiveCallsWithoutHome(EndReason.SERVER_RESTART, Instant.ofEpochMilli(9_000));
            };
            var pool = Executors.newFixedThreadPool(2);
            try {
                var a = pool.submit(node);
                var b = pool.submit(node);
                assertThat(a.get(30, TimeUnit.SECONDS) + b.get(30, TimeUnit.SECONDS)).isEqualTo(300);
            }
            finally {
                pool.shutdownNow();
            }
            assertThat(jdbc.sql("SELECT COUNT(*) FROM calls WHERE end_reason = 'SERVER_RESTART'").query(Long.class)
                    .single()).isEqualTo(300);
        }
    }

    private static DriverManagerDataSource migrated(TestDatabases.TestDatabase db) {
        var dataSource = new DriverManagerDataSource(db.url(), db.username(), db.password());
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return dataSource;
    }

    private static CallRepository calls(JdbcClient jdbc, DriverManagerDataSource dataSource) {
        return new CallRepository(jdbc, new CallSearchIndex(new JdbcTemplate(dataSource)),
                new DataSourceTransactionManager(dataSource));
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
