package org.callvault.loadtool;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real server jar (built by the root build before the tool's ITs run), started for one IT. */
final class RealServer implements AutoCloseable {

    static final String PASSWORD = "load-it-owner-pw";

    private final Process process;

    private RealServer(Process process) {
        this.process = process;
    }

    /** Starts the jar on {@code port} with its database and log in {@code dir}, and waits until it is healthy. */
    static RealServer start(Path dir, int port, String... more) throws IOException {
        Path jar = Path.of(System.getProperty("callvault.server.jar", "../target/callvault-0.1.0-SNAPSHOT.jar"));
        assertTrue(Files.isRegularFile(jar), "the server jar " + jar + " is built first (./mvnw -DskipTests package at the root)");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-jar",
                jar.toAbsolutePath().toString(), "--server.port=" + port,
                "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("db"), "--callvault.admin.password=" + PASSWORD,
                "--callvault.recordings.min-free-space=100MB", "--callvault.mic-tests.min-free-disk=100MB"));
        command.addAll(List.of(more));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile()).start();
        RealServer server = new RealServer(p);
        HttpClient client = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).failFast("the server exited at start-up; its log is in " + dir,
                () -> !p.isAlive()).ignoreExceptions().until(() -> client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        return server;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
