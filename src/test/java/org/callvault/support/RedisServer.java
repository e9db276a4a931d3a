package org.callvault.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

/**
 * A redis-server of a test's own on a port of its own (never the shared one at 6379), so the test
 * may kill it; it keeps nothing on disk.
 */
public final class RedisServer implements AutoCloseable {

    public final int port;
    private Process process;

    private RedisServer(int port) {
        this.port = port;
    }

    /** Starts one on a free port; returns once it accepts connections. */
    public static RedisServer start() throws IOException {
        RedisServer server = new RedisServer(ServerProcess.freePort());
        server.restart();
        return server;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** SIGKILL: the server vanishes as in a crash. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Starts it again on the same port, empty. */
    public void restart() throws IOException {
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited at start (is it installed? .ci/run installs it)");
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return true;
            }
        });
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
