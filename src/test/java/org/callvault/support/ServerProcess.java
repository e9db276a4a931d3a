package org.callvault.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
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

/**
 * The real server jar (built by {@code mvn package}, which {@code verify} runs before the
 * integration tests) in its own process, so that a test can signal it (SIGTERM, SIGKILL) and watch
 * it exit.
 */
public final class ServerProcess implements AutoCloseable {

    public static final String ADMIN_PASSWORD = "process-test-owner-pw";

    public final int port;
    public final Path recordings;
    private final Process process;

    private ServerProcess(int port, Path recordings, Process process) {
        this.port = port;
        this.recordings = recordings;
        this.process = process;
    }

    /** Starts the server in {@code dir} on a free port with these extra arguments; returns once it is healthy. */
    public static ServerProcess start(Path dir, String... arguments) throws IOException {
        int port = freePort();
        Path recordings = dir.resolve("recordings");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-jar",
                serverJar().toAbsolutePath().toString(), "--server.port=" + port,
                "--callvault.recordings.dir=" + recordings, "--callvault.admin.password=" + ADMIN_PASSWORD));
        // SIP on a free port: servers of tests running at once must not all claim 5060. A test that
        // calls over SIP names the port itself (a setting given twice would not bind).
        if (java.util.Arrays.stream(arguments).noneMatch(a -> a.startsWith("--callvault.sip.port="))) {
            command.add("--callvault.sip.port=0");
        }
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server-" + System.nanoTime() + ".log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("The server exited at start-up; see its log in " + dir);
            }
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        });
        return new ServerProcess(port, recordings, process);
    }

    public Process process() {
        return process;
    }

    public WebClientSession signedInAdmin() {
        WebClientSession admin = new WebClientSession(port);
        admin.signIn("admin", ADMIN_PASSWORD);
        return admin;
    }

    /** The WAV file of a call, or null while there is none. */
    public Path findWav(String callId) throws IOException {
        if (!Files.isDirectory(recordings)) {
            return null;
        }
        try (var files = Files.walk(recordings)) {
            return files.filter(p -> p.getFileName().toString().equals(callId + ".wav")).findFirst().orElse(null);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Path serverJar() throws IOException {
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("callvault-.*\\.jar")
                    && !p.getFileName().toString().endsWith("-plain.jar") && !p.toString().endsWith(".original"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("Build the jar first (mvn package)"));
        }
    }
}
