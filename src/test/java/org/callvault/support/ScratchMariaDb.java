package org.callvault.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A MariaDB server of the test's own (its own data folder and port), so that a test can kill it
 * with SIGKILL and start it again on the same data, never touching the shared server on 3306.
 * Needs the Debian {@code mariadb-server} package's {@code mariadb-install-db} and {@code mariadbd}.
 */
public final class ScratchMariaDb implements AutoCloseable {

    public static final String DATABASE = "callvault";

    private final Path dir;
    private final Path data;
    public final int port;
    private Process server;

    private ScratchMariaDb(Path dir, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
    }

    /** Creates the data folder, starts the server and creates the {@value #DATABASE} database. */
    public static ScratchMariaDb create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        ScratchMariaDb db = new ScratchMariaDb(dir, ServerProcess.freePort());
        List<String> install = new ArrayList<>(List.of("mariadb-install-db", "--no-defaults",
                "--datadir=" + db.data, "--auth-root-authentication-method=normal", "--skip-test-db"));
        if (runningAsRoot()) {
            install.add("--user=root");
        }
        Process installer = new ProcessBuilder(install).redirectErrorStream(true)
                .redirectOutput(dir.resolve("install.log").toFile()).start();
        if (!installer.waitFor(60, TimeUnit.SECONDS) || installer.exitValue() != 0) {
            throw new IllegalStateException("mariadb-install-db failed; see " + dir.resolve("install.log"));
        }
        db.start();
        try (Connection connection = DriverManager.getConnection(db.adminUrl(), "root", "")) {
            connection.createStatement().execute("CREATE DATABASE " + DATABASE + " CHARACTER SET utf8mb4");
        }
        catch (SQLException e) {
            throw new IllegalStateException("Could not create the scratch database", e);
        }
        return db;
    }

    /** Starts (or starts again, on the same data and port) and waits until it takes connections. */
    public void start() throws IOException {
        List<String> command = new ArrayList<>(List.of("mariadbd", "--no-defaults", "--datadir=" + data,
                "--socket=" + dir.resolve("mariadb.sock"), "--pid-file=" + dir.resolve("mariadb.pid"),
                "--port=" + port, "--bind-address=127.0.0.1", "--skip-grant-tables", "--skip-log-bin",
                "--innodb-buffer-pool-size=32M"));
        if (runningAsRoot()) {
            command.add("--user=root");
        }
        server = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mariadbd.log").toFile())).start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            if (!server.isAlive()) {
                throw new IllegalStateException("mariadbd exited; see " + dir.resolve("mariadbd.log"));
            }
            try (Connection connection = DriverManager.getConnection(adminUrl(), "root", "")) {
                return connection.isValid(1);
            }
        });
    }

    /** SIGKILL: no shutdown, connections reset, as when the database host dies. */
    public void kill() throws InterruptedException {
        server.destroyForcibly().waitFor();
    }

    public String url() {
        return adminUrl() + DATABASE;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), "root", "");
    }

    private String adminUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/";
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Override
    public void close() throws InterruptedException, IOException {
        if (server != null && server.isAlive()) {
            kill();
        }
        if (Files.exists(data)) {
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
