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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.callvault.support.DatabaseIndependent;
import org.callvault.support.ServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast-start layout of README "Fast start": {@code scripts/build-fast-start.sh} unpacks the
 * built jar and records a CDS archive (JDK 17) or an AOT cache (JDK 25); the server then starts
 * from it with the option that makes the JVM refuse to start without it, becomes ready, and its own
 * classes come from the archive, not from the jars. How fast is measured in docs/BENCHMARKS.md, not here.
 */
@DatabaseIndependent
class FastStartIT {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the logs
    Path dir;

    @Test
    void extractedLayoutWithCdsArchiveStartsReadyWithItsClassesFromTheArchive() throws Exception {
        Path java = Path.of(System.getProperty("java.home"));
        Path fastStart = buildFastStart(java);
        assertThat(fastStart.resolve("callvault.jsa")).isNotEmptyFile();
        // -Xshare:on: the JVM refuses to start if it cannot map the archive
        startReadyWithClassesFromTheArchive(java, "-Xshare:on", "-XX:SharedArchiveFile=" + fastStart.resolve("callvault.jsa"));
    }

    /** The machine's second JDK (Temurin 25): the same script records an AOT cache instead. */
    @Test
    void onJdk25TheScriptRecordsAnAotCacheAndTheServerStartsFromIt() throws Exception {
        Path java = jdk25();
        Path fastStart = buildFastStart(java);
        assertThat(fastStart.resolve("callvault.aot")).isNotEmptyFile();
        assertThat(fastStart.resolve("callvault.jsa")).doesNotExist();
        // -XX:AOTMode=on: the JVM refuses to start if it cannot use the cache
        startReadyWithClassesFromTheArchive(java, "-XX:AOTMode=on", "-XX:AOTCache=" + fastStart.resolve("callvault.aot"));
    }

    private Path buildFastStart(Path javaHome) throws Exception {
        Path fastStart = dir.resolve("fast-start");
        ProcessBuilder builder = new ProcessBuilder("bash", "scripts/build-fast-start.sh", serverJar().toString(),
                fastStart.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("build.log").toFile());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        Process build = builder.start();
        assertThat(build.waitFor(5, TimeUnit.MINUTES)).as("the build script finished").isTrue();
        assertThat(build.exitValue()).as("build script exit; see " + dir.resolve("build.log")).isZero();
        assertThat(fastStart.resolve("lib")).isDirectory();
        return fastStart;
    }

    private void startReadyWithClassesFromTheArchive(Path javaHome, String... archiveOptions) throws Exception {
        Path fastStart = dir.resolve("fast-start");
        Path work = Files.createDirectories(dir.resolve("node"));
        Path classLog = dir.resolve("class-load.log");
        int port = ServerProcess.freePort();
        List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("java").toString()));
        command.addAll(List.of(archiveOptions));
        command.addAll(List.of("-Xlog:class+load=info:file=" + classLog, "-Xmx512m",
                "-jar", fastStart.resolve("callvault.jar").toString(), "--server.port=" + port,
                "--callvault.sip.port=0", "--callvault.recordings.dir=" + work.resolve("recordings"),
                "--callvault.admin.password=" + ServerProcess.ADMIN_PASSWORD));
        Process server = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile()).start();
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
            assertThat(classes).as("the application's own classes come from the archive")
                    .contains("org.callvault.CallVaultApplication source: shared objects file");
            assertThat(classes).as("and the libraries' (from lib/)")
                    .contains("org.springframework.context.ApplicationContext source: shared objects file");
        }
        finally {
            server.destroyForcibly().waitFor();
        }
    }

    /** A JDK 25 or later under /usr/lib/jvm (this kind of machine has Temurin 25 there). */
    private static Path jdk25() throws Exception {
        try (var jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            return jdks.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> home.getFileName().toString().matches(".*-(2[5-9]|[3-9][0-9])(\\D.*)?"))
                    .sorted().findFirst()
                    .orElseThrow(() -> new IllegalStateException("No JDK 25 under /usr/lib/jvm (this machine kind has"
                            + " Temurin 25 there)"));
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
