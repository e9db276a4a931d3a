package org.callvault.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.callvault.support.DatabaseIndependent;
import org.callvault.support.ServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast-start layout of README "Fast start": {@code scripts/build-fast-start.sh} unpacks the
 * built jar and records a CDS archive; the server then starts from it with {@code -Xshare:on} (the
 * JVM refuses to start if it cannot map the archive) and becomes ready, and its own classes come
 * from the archive, not from the jars. How fast is measured in docs/BENCHMARKS.md, not here.
 */
@DatabaseIndependent
class FastStartIT {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the logs
    Path dir;

    @Test
    void extractedLayoutWithCdsArchiveStartsReadyWithItsClassesFromTheArchive() throws Exception {
        Path fastStart = dir.resolve("fast-start");
        Process build = new ProcessBuilder("bash", "scripts/build-fast-start.sh", serverJar().toString(),
                fastStart.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("build.log").toFile()).start();
        assertThat(build.waitFor(5, TimeUnit.MINUTES)).as("the build script finished").isTrue();
        assertThat(build.exitValue()).as("build script exit; see " + dir.resolve("build.log")).isZero();
        assertThat(fastStart.resolve("callvault.jsa")).isNotEmptyFile();
        assertThat(fastStart.resolve("lib")).isDirectory();

        Path work = Files.createDirectories(dir.resolve("node"));
        Path classLog = dir.resolve("class-load.log");
        int port = ServerProcess.freePort();
        Process server = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:on", "-XX:SharedArchiveFile=" + fastStart.resolve("callvault.jsa"),
                "-Xlog:class+load=info:file=" + classLog, "-Xmx512m",
                "-jar", fastStart.resolve("callvault.jar").toString(), "--server.port=" + port,
                "--callvault.sip.port=0", "--callvault.recordings.dir=" + work.resolve("recordings"),
                "--callvault.admin.password=" + ServerProcess.ADMIN_PASSWORD))
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile())
                .start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest readiness = HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/actuator/health/readiness")).build();
            HttpResponse<String> ready = await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
                if (!server.isAlive()) {
                    throw new IllegalStateException("The server exited at start-up; see " + dir.resolve("server.log"));
                }
                return http.send(readiness, HttpResponse.BodyHandlers.ofString());
            }, response -> response.statusCode() == 200);
            assertThat(ready.body()).contains("\"status\":\"UP\"");

            String classes = Files.readString(classLog);
            assertThat(classes).as("the application's own classes come from the CDS archive")
                    .contains("org.callvault.CallVaultApplication source: shared objects file (top)");
            assertThat(classes).as("and the libraries' (from lib/)")
                    .contains("org.springframework.context.ApplicationContext source: shared objects file");
        }
        finally {
            server.destroyForcibly().waitFor();
        }
    }

    private static Path serverJar() throws Exception {
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("callvault-.*\\.jar")
                    && !p.getFileName().toString().endsWith("-plain.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("Build the jar first (mvn package)")).toAbsolutePath();
        }
    }
}
