package org.callvault.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
    private final int runtimePort;
    private final Process process;

    private HaProxy(int port, int runtimePort, Process process) {
        this.port = port;
        this.runtimePort = runtimePort;
        this.process = process;
    }

    public static HaProxy start(Path dir, int... nodePorts) throws IOException {
        return start(dir, false, nodePorts);
    }

    /**
     * As {@link #start}, with media sockets in a backend of their own ({@code media}, whose servers
     * follow the health checks of backend {@code nodes}) and HAProxy's runtime API on a local port
     * ({@link #runtime}): a test can then take one node out for media sockets alone, as a network
     * fault between the balancer and that node's media would, while its event sockets stay.
     */
    public static HaProxy startWithMediaBackend(Path dir, int... nodePorts) throws IOException {
        return start(dir, true, nodePorts);
    }

    private static HaProxy start(Path dir, boolean mediaBackend, int... nodePorts) throws IOException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException("Several-node tests need Debian's haproxy: apt-get install -y haproxy (.ci/run does it)");
        }
        Files.createDirectories(dir);
        int port = ServerProcess.freePort();
        int runtimePort = mediaBackend ? ServerProcess.freePort() : 0;
        StringBuilder servers = new StringBuilder();
        StringBuilder media = new StringBuilder();
        for (int i = 0; i < nodePorts.length; i++) {
            char node = (char) ('a' + i);
            // A media socket goes to the node that carries its call: the token starts with that node's id.
            String byToken = "  use-server " + node + " if { urlp(token) -m beg " + node + ". }\n";
            servers.append(byToken);
            media.append(byToken);
            // A recording on one node's disk: other nodes send its audio there with node=<id>.
            servers.append("  use-server ").append(node).append(" if { urlp(node) -m str ").append(node).append(" }\n");
        }
        for (int i = 0; i < nodePorts.length; i++) {
            char node = (char) ('a' + i);
            servers.append("  server ").append(node).append(" 127.0.0.1:").append(nodePorts[i]).append(" check inter 1s\n");
            media.append("  server ").append(node).append(" 127.0.0.1:").append(nodePorts[i]).append(" track nodes/")
                    .append(node).append("\n");
        }
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, """
                global
                  maxconn 256
                %sdefaults
                  mode http
                  timeout connect 5s
                  timeout client 60s
                  timeout server 60s
                  option forwardfor
                frontend callvault
                  bind 127.0.0.1:%d
                %s  default_backend nodes
                backend nodes
                  balance roundrobin
                  option httpchk GET /actuator/health/readiness
                  http-response set-header X-CallVault-Node %%[srv_name]
                %s%s""".formatted(
                mediaBackend ? "  stats socket ipv4@127.0.0.1:" + runtimePort + " level admin\n" : "", port,
                mediaBackend ? "  use_backend media if { path_beg /ws/media }\n" : "", servers,
                mediaBackend ? "backend media\n  balance roundrobin\n" + media : ""));
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
        return new HaProxy(port, runtimePort, process);
    }

    /**
     * One command to HAProxy's runtime API (e.g. {@code disable server media/a}), its answer as text
     * (empty when it has nothing to say). Only for a balancer from {@link #startWithMediaBackend}.
     */
    public String runtime(String command) throws IOException {
        if (runtimePort == 0) {
            throw new IllegalStateException("this balancer has no runtime API: startWithMediaBackend");
        }
        try (Socket socket = new Socket("127.0.0.1", runtimePort)) {
            socket.getOutputStream().write((command + "\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }
}
