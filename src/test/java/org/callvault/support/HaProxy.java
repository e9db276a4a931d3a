package org.callvault.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real HAProxy (Debian's package, installed by .ci/run) balancing round-robin over several local
 * nodes, with the readiness health check the README recommends; every response names the node that
 * served it in {@code X-CallVault-Node} (a, b, ...). A media socket goes to the node its token names
 * (start the nodes with {@code --callvault.node.id=a}, {@code b}, ...), and a request sent on to a
 * recording's home node to the node its {@code node} parameter names, as README "Several nodes" shows.
 */
public final class HaProxy implements AutoCloseable {

    private static final String BINARY = System.getenv().getOrDefault("CALLVAULT_TEST_HAPROXY", "/usr/sbin/haproxy");

    public final int port;
    private final Process process;

    private HaProxy(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    public static HaProxy start(Path dir, int... nodePorts) throws IOException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException("Several-node tests need Debian's haproxy: apt-get install -y haproxy (.ci/run does it)");
        }
        Files.createDirectories(dir);
        int port = ServerProcess.freePort();
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < nodePorts.length; i++) {
            // A media socket goes to the node that carries its call: the token starts with that node's id.
            servers.append("  use-server ").append((char) ('a' + i)).append(" if { urlp(token) -m beg ")
                    .append((char) ('a' + i)).append(". }\n");
            // A recording on one node's disk: other nodes send its audio there with node=<id>.
            servers.append("  use-server ").append((char) ('a' + i)).append(" if { urlp(node) -m str ")
                    .append((char) ('a' + i)).append(" }\n");
        }
        for (int i = 0; i < nodePorts.length; i++) {
            servers.append("  server ").append((char) ('a' + i)).append(" 127.0.0.1:").append(nodePorts[i])
                    .append(" check inter 1s\n");
        }
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, """
                global
                  maxconn 256
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 60s
                  timeout server 60s
                  option forwardfor
                frontend callvault
                  bind 127.0.0.1:%d
                  default_backend nodes
                backend nodes
                  balance roundrobin
                  option httpchk GET /actuator/health/readiness
                  http-response set-header X-CallVault-Node %%[srv_name]
                %s""".formatted(port, servers));
        Process process = new ProcessBuilder(BINARY, "-db", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("haproxy exited at start; see " + dir.resolve("haproxy.log"));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return true;
            }
        });
        return new HaProxy(port, process);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }
}
