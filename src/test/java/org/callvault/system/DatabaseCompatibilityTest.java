package org.callvault.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditLog;
import org.callvault.call.CallSearchIndex;
import org.callvault.support.TestDatabases;
import org.callvault.user.Role;
import org.callvault.user.User;
import org.callvault.user.UserRepository;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The migrations and the data layer on every engine selected with
 * {@code -Dcallvault.test.databases} (H2 by default; .ci/run adds MariaDB and PostgreSQL).
 */
class DatabaseCompatibilityTest {

    static Stream<String> databases() {
        return TestDatabases.selected().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void migrationsRunAndRepositoriesWork(String engine) {
        try (var db = TestDatabases.create(engine)) {
            var dataSource = new DriverManagerDataSource(db.url(), db.username(), db.password());
            var result = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load()
                    .migrate();
            assertThat(result.success).isTrue();
            assertThat(result.migrationsExecuted).isPositive();

            JdbcClient jdbc = JdbcClient.create(dataSource);
            UserRepository users = new UserRepository(jdbc);
            Instant created = Instant.ofEpochMilli(1_700_000_000_123L);
            User alice = new User(UUID.randomUUID().toString(), "alice", "{bcrypt}hash", Role.AGENT, true, true,
                    created, null);
            users.insert(alice);

            User loaded = users.findByUsername("alice").orElseThrow();
            assertThat(loaded).isEqualTo(alice);
            assertThat(users.findByUsername("nobody")).isEmpty();

            users.updatePassword(alice.id(), "{bcrypt}other", false, created.plusSeconds(5));
            users.updateEnabled(alice.id(), false, created.plusSeconds(6));
            users.updateRole(alice.id(), Role.ADMIN, created.plusSeconds(7));
            users.recordLogin("alice", created.plusSeconds(8));
            User changed = users.findById(alice.id()).orElseThrow();
            assertThat(changed.passwordHash()).isEqualTo("{bcrypt}other");
            assertThat(changed.mustChangePassword()).isFalse();
            assertThat(changed.enabled()).isFalse();
            assertThat(changed.role()).isEqualTo(Role.ADMIN);
            assertThat(changed.lastLoginAt()).isEqualTo(created.plusSeconds(8));
            assertThat(users.countEnabledAdmins()).isZero();

            User duplicate = new User(UUID.randomUUID().toString(), "alice", "x", Role.AGENT, true, false, created,
                    null);
            assertThatThrownBy(() -> users.insert(duplicate)).isInstanceOf(DuplicateKeyException.class);

            AuditLog audit = new AuditLog(jdbc, Clock.systemUTC());
            audit.record(AuditAction.USER_CREATED, "admin", "alice", "x".repeat(5000), "127.0.0.1");
            assertThat(audit.count(AuditAction.USER_CREATED)).isEqualTo(1);
            assertThat(audit.recent(10).get(0).detail()).hasSize(1000);

            // Calls and recordings: the foreign key holds on every engine.
            String callId = UUID.randomUUID().toString();
            jdbc.sql("INSERT INTO calls (id, state, caller_name, created_at) VALUES (?, 'ANSWERED', 'Bob', 1)")
                    .param(callId).update();
            jdbc.sql("""
                    INSERT INTO recordings (id, call_id, path, format, sample_rate, channels, status, repaired, created_at)
                    VALUES (?, ?, '2026/11/24/x.wav', 'WAV', 44100, 1, 'RECORDING', ?, 1)
                    """).params(UUID.randomUUID().toString(), callId, false).update();
            assertThatThrownBy(() -> jdbc.sql("""
                    INSERT INTO recordings (id, call_id, path, format, sample_rate, channels, status, repaired, created_at)
                    VALUES (?, 'no-such-call', '2026/11/24/y.wav', 'WAV', 44100, 1, 'RECORDING', ?, 1)
                    """).params(UUID.randomUUID().toString(), false).update())
                    .isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void searchTermsAreBackfilledAndTheirRangesAreExactUnderEachEnginesCollation(String engine) {
        try (var db = TestDatabases.create(engine)) {
            var dataSource = new DriverManagerDataSource(db.url(), db.username(), db.password());
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").target("3").load().migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            String anna = insertCall(jdbc, "Anna Müller", "+44 20 4242 1111");
            String bob = insertCall(jdbc, "Bob Smithson", "+44 20 5555 9424");
            String zoe = insertCall(jdbc, "Zoe Zzzy", "+1 424 9999");
            // V4 indexes the calls that were there before the search table.
            var result = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            assertThat(result.success).isTrue();

            var index = new CallSearchIndex(new JdbcTemplate(dataSource));
            String jose = UUID.randomUUID().toString();
            jdbc.sql("INSERT INTO calls (id, state, caller_name, caller_number, created_at) VALUES (?, 'ENDED', ?, ?, 1)")
                    .params(jose, "José Garcia", "0042429").update();
            index.add(jose, "José Garcia", "0042429");

            assertThat(index.candidates("4242", 100)).contains(java.util.Set.of(anna, jose));
            assertThat(index.candidates("Müller", 100)).contains(java.util.Set.of(anna));
            assertThat(index.candidates("son", 100)).contains(java.util.Set.of(bob));
            assertThat(index.candidates("zzz", 100)).contains(java.util.Set.of(zoe));
            assertThat(index.candidates("jose", 100)).contains(java.util.Set.of(jose));
            assertThat(index.candidates("4249", 100)).contains(java.util.Set.of());
            assertThat(index.candidates("ab", 100)).as("too short to narrow").isEmpty();
            assertThat(index.candidates("424", 100)).contains(java.util.Set.of(anna, bob, zoe, jose));
            assertThat(index.candidates("424", 3)).as("more matches than the limit").isEmpty();
        }
    }

    private static String insertCall(JdbcClient jdbc, String name, String number) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("INSERT INTO calls (id, state, caller_name, caller_number, created_at) VALUES (?, 'ENDED', ?, ?, 1)")
                .params(id, name, number).update();
        return id;
    }
}
