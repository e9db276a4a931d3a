package org.callvault.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Makes a fresh, empty database for a test on one of the three supported engines. MariaDB and
 * PostgreSQL are the real servers this machine runs (started by .ci/run); their admin URLs can be
 * overridden with CALLVAULT_TEST_MARIADB_URL / CALLVAULT_TEST_POSTGRES_URL.
 */
public final class TestDatabases {

    private static final String MARIADB_ADMIN = env("CALLVAULT_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/");
    private static final String MARIADB_USER = env("CALLVAULT_TEST_MARIADB_USER", "root");
    private static final String POSTGRES_ADMIN = env("CALLVAULT_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String POSTGRES_USER = env("CALLVAULT_TEST_POSTGRES_USER", "postgres");

    private TestDatabases() {
    }

    /** The engines the data-layer tests run on: {@code -Dcallvault.test.databases=h2,mariadb,postgresql}. */
    public static List<String> selected() {
        return Arrays.stream(System.getProperty("callvault.test.databases", "h2").split(","))
                .map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
    }

    /** The engine the application integration tests run on: {@code -Dcallvault.it.database=mariadb}. */
    public static String forIntegrationTests() {
        return System.getProperty("callvault.it.database", "h2").trim().toLowerCase(Locale.ROOT);
    }

    public static TestDatabase create(String engine) {
        String name = "cv_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return switch (engine) {
            case "h2" -> new TestDatabase(engine, "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "", null);
            case "mariadb" -> {
                execute(MARIADB_ADMIN, MARIADB_USER, "CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
                yield new TestDatabase(engine, MARIADB_ADMIN + name, MARIADB_USER, "",
                        () -> execute(MARIADB_ADMIN, MARIADB_USER, "DROP DATABASE IF EXISTS " + name));
            }
            case "postgresql" -> {
                execute(POSTGRES_ADMIN, POSTGRES_USER, "CREATE DATABASE " + name);
                String url = POSTGRES_ADMIN.substring(0, POSTGRES_ADMIN.lastIndexOf('/') + 1) + name;
                yield new TestDatabase(engine, url, POSTGRES_USER, "",
                        () -> execute(POSTGRES_ADMIN, POSTGRES_USER, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
            }
            default -> throw new IllegalArgumentException("Unknown test database " + engine
                    + " (expected h2, mariadb or postgresql)");
        };
    }

    private static void execute(String url, String user, String sql) {
        try (Connection connection = DriverManager.getConnection(url, user, "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        catch (SQLException e) {
            throw new IllegalStateException("Test database " + url + " is not reachable (" + e.getMessage()
                    + "); .ci/run starts MariaDB and PostgreSQL", e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    public record TestDatabase(String engine, String url, String username, String password, Runnable dropper)
            implements AutoCloseable {

        @Override
        public void close() {
            if (dropper != null) {
                dropper.run();
            }
        }
    }
}
