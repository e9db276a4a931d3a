package org.callvault.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;

import org.callvault.support.TestDatabases;
import org.callvault.user.Role;
import org.callvault.user.User;
import org.callvault.user.UserRepository;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Issue 14, point 6, on every engine selected with {@code -Dcallvault.test.databases}: V7 backfills
 * the canonical names of existing accounts (the oldest keeps a colliding name), the unique index
 * holds, and the canonical column compares exactly even under MariaDB's accent-insensitive
 * {@code utf8mb4_general_ci}.
 */
class CanonicalUserNamesDatabaseTest {

    static Stream<String> databases() {
        return TestDatabases.selected().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void existingNamesAreBackfilledAndCanonicalNamesCompareExactly(String engine) {
        try (var db = TestDatabases.create(engine)) {
            var dataSource = new DriverManagerDataSource(db.url(), db.username(), db.password());
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").target("6").load().migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            legacyUser(jdbc, "Bob", 1);
            legacyUser(jdbc, "admin", 2);
            // Before V7, H2 and PostgreSQL let "bob" exist beside "Bob"; MariaDB's collation did not.
            boolean caseSensitive = !"mariadb".equals(engine);
            if (caseSensitive) {
                legacyUser(jdbc, "bob", 3);
            }

            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();

            assertThat(jdbc.sql("SELECT canonical_username FROM users WHERE username = 'Bob'").query(String.class)
                    .single()).isEqualTo("bob");
            if (caseSensitive) {
                // The younger twin keeps no canonical name: disabled, it cannot sign in as the older one.
                assertThat(jdbc.sql("SELECT canonical_username FROM users WHERE username = 'bob'")
                        .query(String.class).optional()).isEmpty();
                assertThat(jdbc.sql("SELECT enabled FROM users WHERE username = 'bob'").query(Boolean.class)
                        .single()).isFalse();
            }

            UserRepository users = new UserRepository(jdbc);
            assertThat(users.findByUsername("BOB ").orElseThrow().username()).isEqualTo("Bob");
            assertThat(users.findByUsername("admin").orElseThrow().rightsVersion()).isZero();
            for (String lookalike : new String[] { "ádmin", "admín", "Àdmin", "admin\u200b", "adm\u0131n" }) {
                assertThat(users.findByUsername(lookalike)).as(lookalike).isEmpty();
                // The column itself compares exactly, whatever the database's default collation.
                assertThat(jdbc.sql("SELECT COUNT(*) FROM users WHERE canonical_username = :name")
                        .param("name", lookalike).query(Long.class).single()).as(lookalike).isZero();
            }

            User twin = new User(UUID.randomUUID().toString(), "BOB", "{bcrypt}x", Role.AGENT, true, false,
                    Instant.ofEpochMilli(4), null);
            assertThatThrownBy(() -> users.insert(twin)).isInstanceOf(DuplicateKeyException.class);

            String adminId = users.findByUsername("admin").orElseThrow().id();
            users.updateEnabled(adminId, true, Instant.ofEpochMilli(5));
            users.updateRole(adminId, Role.AGENT, Instant.ofEpochMilli(6));
            users.updatePassword(adminId, "{bcrypt}y", false, Instant.ofEpochMilli(7));
            assertThat(users.rightsVersion("ADMIN")).contains(3L);
            assertThat(users.rightsVersion("nobody")).isEmpty();
        }
    }

    private static void legacyUser(JdbcClient jdbc, String name, long created) {
        jdbc.sql("""
                INSERT INTO users (id, username, password_hash, role, enabled, must_change_password, created_at, updated_at)
                VALUES (:id, :name, '{bcrypt}x', 'ADMIN', :enabled, :enabled, :created, :created)
                """).param("id", UUID.randomUUID().toString()).param("name", name).param("enabled", true)
                .param("created", created).update();
    }
}
