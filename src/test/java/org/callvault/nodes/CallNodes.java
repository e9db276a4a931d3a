package org.callvault.nodes;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.callvault.support.HaProxy;
import org.callvault.support.ServerProcess;
import org.callvault.support.TestDatabases;
import org.callvault.support.TestDatabases.TestDatabase;
import org.callvault.support.WebClientSession;

/**
 * Two real server processes, nodes {@code a} and {@code b}, that carry calls across them: one fresh
 * MariaDB (or PostgreSQL) database, the Redis at 127.0.0.1:6379 under a key prefix of their own, and
 * a real HAProxy in front that routes each media socket to the node its token names (node b may reach
 * that Redis another way, {@link #startWithRedisOfB}, e.g. through a link the test can cut). Returned once
 * both nodes pass the balancer's health check. A node can be started again in its folder, with its
 * settings ({@link #restart}), after a test killed it.
 */
final class CallNodes implements AutoCloseable {

    final TestDatabase database;
    final String prefix;
    final HaProxy proxy;
    private final Path dir;
    private final String[] shared;
    private final String redisOfB;
    private final ServerProcess[] nodes = new ServerProcess[2];

    private CallNodes(Path dir, TestDatabase database, String prefix, String[] shared, String redisOfB,
            boolean mediaBackend) throws IOException {
        this.dir = dir;
        this.database = database;
        this.prefix = prefix;
        this.shared = shared;
        this.redisOfB = redisOfB;
        nodes[0] = startNode("a");
        nodes[1] = startNode("b");
        this.proxy = mediaBackend ? HaProxy.startWithMediaBackend(dir.resolve("haproxy"), nodes[0].port, nodes[1].port)
                : HaProxy.start(dir.resolve("haproxy"), nodes[0].port, nodes[1].port);
    }

    /** Starts both nodes with these settings besides the shared ones, and the balancer. */
    static CallNodes start(Path dir, String... settings) throws IOException {
        return startWithRedisOfB(dir, TwoNodesIT.REDIS, settings);
    }

    /** As {@link #start}, node b reaching the shared Redis at {@code redisOfB} (a URL to the same server). */
    static CallNodes startWithRedisOfB(Path dir, String redisOfB, String... settings) throws IOException {
        return launch(dir, redisOfB, false, settings);
    }

    /**
     * As {@link #start}, the balancer routing media sockets through a backend of their own and taking
     * commands on its runtime API ({@link HaProxy#startWithMediaBackend}).
     */
    static CallNodes startWithMediaBackend(Path dir, String... settings) throws IOException {
        return launch(dir, TwoNodesIT.REDIS, true, settings);
    }

    private static CallNodes launch(Path dir, String redisOfB, boolean mediaBackend, String... settings) throws IOException {
        String engine = "postgresql".equals(TestDatabases.forIntegrationTests()) ? "postgresql" : "mariadb";
        TestDatabase database = TestDatabases.create(engine);
        String prefix = "callvault:test-" + UUID.randomUUID() + ":";
        String[] shared = NodeAgents.with(new String[] { "--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.username(), "--spring.datasource.password=" + database.password(),
                "--callvault.redis.key-prefix=" + prefix }, settings);
        CallNodes started = null;
        try {
            started = new CallNodes(dir, database, prefix, shared, redisOfB, mediaBackend);
            started.awaitBothInTheBalancer();
            return started;
        }
        catch (IOException | RuntimeException e) {
            if (started != null) {
                started.close();
            }
            else {
                database.close();
            }
            throw e;
        }
    }

    ServerProcess a() {
        return nodes[0];
    }

    ServerProcess b() {
        return nodes[1];
    }

    /** Starts node {@code a} again in its folder (its recordings are there), on a new port. */
    ServerProcess restartA() throws IOException {
        if (nodes[0].process().isAlive()) {
            throw new IllegalStateException("node a is still running");
        }
        nodes[0] = startNode("a");
        return nodes[0];
    }

    private ServerProcess startNode(String id) throws IOException {
        String redis = "b".equals(id) ? redisOfB : TwoNodesIT.REDIS;
        return ServerProcess.start(Files.createDirectories(dir.resolve(id)),
                NodeAgents.with(shared, "--callvault.node.id=" + id, "--callvault.redis.url=" + redis));
    }

    /** Until both nodes pass HAProxy's health check, it would not route to the other. */
    private void awaitBothInTheBalancer() {
        WebClientSession anonymous = new WebClientSession(proxy.port);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Set<String> served = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                anonymous.get("/actuator/health").headers().firstValue("X-CallVault-Node").ifPresent(served::add);
            }
            return served.size() == 2;
        });
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : new AutoCloseable[] { proxy, nodes[0], nodes[1], database }) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            }
            catch (Exception e) {
                // Closing the rest matters more: a test's failure is already reported.
                System.err.println("CallNodes: could not close " + closeable + ": " + e);
            }
        }
    }

    /** A call's row with its recording's, as the database has them now (empty while there is none). */
    Map<String, Object> row(String callId) throws SQLException {
        try (Connection db = DriverManager.getConnection(database.url(), database.username(), database.password());
                PreparedStatement query = db.prepareStatement("""
                        SELECT c.state, c.end_reason, c.agent_username, r.status, r.duration_ms, r.size_bytes,
                               c.duration_ms, c.home_node, r.repaired, r.id, r.bitrate
                        FROM calls c LEFT JOIN recordings r ON r.call_id = c.id WHERE c.id = ?
                        """)) {
            query.setString(1, callId);
            Map<String, Object> row = new HashMap<>();
            try (ResultSet rs = query.executeQuery()) {
                if (rs.next()) {
                    row.put("call_state", rs.getString(1));
                    row.put("end_reason", rs.getString(2));
                    row.put("agent", rs.getString(3));
                    row.put("recording_status", rs.getString(4));
                    row.put("recording_duration", rs.getLong(5));
                    row.put("size_bytes", rs.getLong(6));
                    row.put("call_duration", rs.getObject(7) == null ? null : rs.getLong(7));
                    row.put("home_node", rs.getString(8));
                    row.put("repaired", rs.getBoolean(9));
                    row.put("recording_id", rs.getString(10));
                    row.put("bitrate", rs.getObject(11) == null ? null : rs.getInt(11));
                }
            }
            return row;
        }
    }
}
