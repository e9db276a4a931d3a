package org.callvault.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.callvault.support.TestDatabases;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The audit hash chain on every engine selected with {@code -Dcallvault.test.databases}: V17
 * chains the entries written before it; entries appended from many threads form one chain; a
 * changed entry is named, a removed entry names the one after it, an entry written around the
 * log is found; the command line says the same.
 */
class AuditChainDatabaseTest {

    static Stream<String> databases() {
        return TestDatabases.selected().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theChainShowsEveryChangeAndRemoval(String engine) throws Exception {
        try (var db = TestDatabases.create(engine)) {
            var dataSource = new DriverManagerDataSource(db.url(), db.username(), db.password());
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").target("16").load().migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            for (int i = 0; i < 3; i++) {
                jdbc.sql("INSERT INTO audit_log (id, occurred_at, actor, action, target, detail, client_address)"
                        + " VALUES (?, ?, 'admin', 'SIGN_IN', 'admin', NULL, '10.0.0.1')")
                        .params("legacy-" + i, 1_700_000_000_000L + i).update();
            }
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            AuditVerifier verifier = new AuditVerifier(jdbc);
            assertThat(verifier.verify().intact()).as("the migration chains the old entries").isTrue();
            assertThat(jdbc.sql("SELECT seq FROM audit_log WHERE id = 'legacy-2'").query(Long.class).single())
                    .isEqualTo(3);

            AuditLog audit = new AuditLog(jdbc, Clock.systemUTC(), new DataSourceTransactionManager(dataSource));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                int n = i;
                writes.add(pool.submit(() -> audit.record(AuditAction.RECORDING_PLAYED, "user" + (n % 8),
                        "rec-" + n, "call c-" + n, "127.0.0.1")));
            }
            for (Future<?> write : writes) {
                write.get();
            }
            pool.shutdown();
            AuditVerifier.Result intact = verifier.verify();
            assertThat(intact.intact()).as("80 entries from 8 threads: one chain").isTrue();
            assertThat(intact.entries()).isEqualTo(83);
            assertThat(intact.headSeq()).isEqualTo(83);
            assertThat(command(db)).startsWith("0 Audit chain intact: 83 entries");

            // Someone edits an entry's detail in the database: that entry is named.
            String tampered = idAt(jdbc, 40);
            String original = jdbc.sql("SELECT detail FROM audit_log WHERE seq = 40").query(String.class).single();
            jdbc.sql("UPDATE audit_log SET detail = 'call c-nothing' WHERE seq = 40").update();
            AuditVerifier.Result changed = verifier.verify();
            assertThat(changed.intact()).isFalse();
            assertThat(changed.brokenSeq()).isEqualTo(40);
            assertThat(changed.brokenId()).isEqualTo(tampered);
            assertThat(changed.entries()).isEqualTo(39);
            assertThat(changed.problem()).contains("entry 40 was changed");
            assertThat(command(db)).startsWith("1 Audit chain BROKEN after 39 good entries: entry 40 was changed");

            // ... and recomputes its hash too: the next entry's link names the next one.
            jdbc.sql("UPDATE audit_log SET entry_hash = ? WHERE seq = 40").param(rehash(jdbc, 40)).update();
            AuditVerifier.Result relinked = verifier.verify();
            assertThat(relinked.brokenSeq()).isEqualTo(41);
            assertThat(relinked.problem()).contains("does not follow");

            // A removed entry: the one after it is named.
            restore(jdbc, 40, original);
            String next = idAt(jdbc, 61);
            jdbc.sql("DELETE FROM audit_log WHERE seq = 60").update();
            AuditVerifier.Result removed = verifier.verify();
            assertThat(removed.intact()).isFalse();
            assertThat(removed.brokenSeq()).isEqualTo(61);
            assertThat(removed.brokenId()).isEqualTo(next);
            assertThat(removed.problem()).contains("entries 60 before entry 61 are missing");
        }
    }

    private static String command(TestDatabases.TestDatabase db) {
        var out = new ByteArrayOutputStream();
        int code = AuditVerifyCommand.run(new String[] { "--url=" + db.url(), "--user=" + db.username(),
                "--password=" + db.password() }, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);
        return code + " " + out.toString(StandardCharsets.UTF_8);
    }

    private static String idAt(JdbcClient jdbc, long seq) {
        return jdbc.sql("SELECT id FROM audit_log WHERE seq = ?").param(seq).query(String.class).single();
    }

    /** What a careful forger would store: the hash of the changed content. */
    private static String rehash(JdbcClient jdbc, long seq) {
        return jdbc.sql("SELECT seq, occurred_at, actor, action, target, detail, client_address, prev_hash"
                + " FROM audit_log WHERE seq = ?").param(seq)
                .query((rs, n) -> AuditChain.hash(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)))
                .single();
    }

    /** Puts entry {@code seq} back as it was written, so the next check starts from an intact chain. */
    private static void restore(JdbcClient jdbc, long seq, String detail) {
        jdbc.sql("UPDATE audit_log SET detail = ? WHERE seq = ?").params(detail, seq).update();
        jdbc.sql("UPDATE audit_log SET entry_hash = ? WHERE seq = ?").params(rehash(jdbc, seq), seq).update();
        assertThat(new AuditVerifier(jdbc).verify().intact()).isTrue();
    }
}
