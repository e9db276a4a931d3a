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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.callvault.support.DatabaseIndependent;
import org.callvault.support.S3MockServer;
import org.callvault.support.ServerProcess;
import org.callvault.support.WebClientSession;
import org.callvault.system.SharedRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast-start layout of README "Fast start": {@code scripts/build-fast-start.sh} unpacks the
 * built jar and records a CDS archive (JDK 17) or an AOT cache (JDK 25); the server then starts
 * from it with the option that makes the JVM refuse to start without it, becomes ready, and its own
 * classes come from the archive, not from the jars. On JDK 25 it also runs Spring AOT's generated
 * context ({@code -Dspring.aot.enabled=true}): one build, whose bean choices are made at start, serves
 * one node (sessions in memory, local recordings) and several (Redis sessions, S3 recordings).
 * How fast is measured in docs/BENCHMARKS.md, not here.
 */
@DatabaseIndependent
class FastStartIT {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the logs
    Path dir;

    /** The HTTP port of the server the test started. */
    private int port;

    @Test
    void extractedLayoutWithCdsArchiveStartsReadyWithItsClassesFromTheArchive() throws Exception {
        Path java = Path.of(System.getProperty("java.home"));
        Path fastStart = buildFastStart(java);
        assertThat(fastStart.resolve("callvault.jsa")).isNotEmptyFile();
        // -Xshare:on: the JVM refuses to start if it cannot map the archive
        // -Dspring.aot.enabled: Spring AOT's context, as README "Fast start" starts it on any JDK
        startReadyWithClassesFromTheArchive(java, List.of("-Xshare:on", "-XX:SharedArchiveFile=" + fastStart.resolve("callvault.jsa"),
                "-Dspring.aot.enabled=true"), List.of()).destroyForcibly().waitFor();
    }

    /**
     * The machine's second JDK (Temurin 25): the same script records an AOT cache instead, and the
     * server runs Spring AOT's context from it: ready, Flyway migrated the new database, sign-in
     * works, sessions in memory and recordings local as configured (no Redis key, health "local").
     */
    @Test
    void onJdk25TheScriptRecordsAnAotCacheAndTheServerStartsFromItWithSpringAot() throws Exception {
        Path java = jdk25();
        Path fastStart = buildFastStart(java);
        assertThat(fastStart.resolve("callvault.aot")).isNotEmptyFile();
        assertThat(fastStart.resolve("callvault.jsa")).doesNotExist();
        String prefix = "callvault:test-" + UUID.randomUUID() + ":";
        // -XX:AOTMode=on: the JVM refuses to start if it cannot use the cache; -Dspring.aot.enabled:
        // Spring refuses to start without its generated context
        Process server = startReadyWithClassesFromTheArchive(java, List.of("-XX:AOTMode=on",
                "-XX:AOTCache=" + fastStart.resolve("callvault.aot"), "-Dspring.aot.enabled=true"),
                List.of("--callvault.redis.key-prefix=" + prefix));
        try {
            assertThat(Files.readString(dir.resolve("server.log")))
                    .contains("Starting AOT-processed CallVaultApplication")
                    .containsPattern("Successfully applied \\d+ migrations");
            assertThat(signedInStorageType()).isEqualTo("local");
            assertThat(redisKeys(prefix)).as("one node: sessions in memory, no Redis key").isEmpty();
        }
        finally {
            server.destroyForcibly().waitFor();
        }
    }

    /**
     * The same AOT-processed build (jar and cache) started for several nodes chooses the other beans:
     * the sign-in session is stored in Redis and recordings go to the S3 bucket.
     */
    @Test
    void onJdk25OneSpringAotBuildAlsoServesRedisSessionsAndS3Storage() throws Exception {
        Path java = jdk25();
        Path fastStart = buildFastStart(java);
        String prefix = "callvault:test-" + UUID.randomUUID() + ":";
        try (S3MockServer s3 = S3MockServer.start(dir)) {
            List<String> arguments = new ArrayList<>(List.of("--callvault.redis.url=redis://127.0.0.1:6379",
                    "--callvault.redis.key-prefix=" + prefix));
            arguments.addAll(s3.serverArguments("aot/"));
            Process server = startReadyWithClassesFromTheArchive(java, List.of("-XX:AOTMode=on",
                    "-XX:AOTCache=" + fastStart.resolve("callvault.aot"), "-Dspring.aot.enabled=true"), arguments);
            try {
                assertThat(Files.readString(dir.resolve("server.log"))).contains("Starting AOT-processed CallVaultApplication");
                assertThat(signedInStorageType()).isEqualTo("s3");
                assertThat(redisKeys(prefix)).as("the signed-in session is kept in Redis")
                        .anyMatch(key -> key.startsWith(prefix + "sessions:"));
            }
            finally {
                server.destroyForcibly().waitFor();
            }
        }
        finally {
            try (SharedRedis redis = SharedRedis.connect("redis://127.0.0.1:6379", prefix, Duration.ofSeconds(2))) {
                redis.commands().keys(prefix + "*").forEach(key -> redis.commands().del(key));
            }
        }
    }

    /** Signs in as the owner and reads the recording storage the server chose from its health details. */
    private String signedInStorageType() {
        WebClientSession admin = new WebClientSession(port);
        assertThat(admin.signIn("admin", ServerProcess.ADMIN_PASSWORD).headers().firstValue("Location"))
                .as("signed in").hasValue("/");
        String health = admin.get("/actuator/health").body();
        Matcher type = Pattern.compile("\"recordingStorage\":\\{[^}]*\"type\":\"(\\w+)\"").matcher(health);
        assertThat(type.find()).as("the recording storage in " + health).isTrue();
        return type.group(1);
    }

    private static List<String> redisKeys(String prefix) {
        try (SharedRedis redis = SharedRedis.connect("redis://127.0.0.1:6379", prefix, Duration.ofSeconds(2))) {
            return redis.commands().keys(prefix + "*");
        }
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
        assertThat(Files.readString(dir.resolve("build.log"))).as("the training start ran Spring AOT's context")
                .contains("-Dspring.aot.enabled=true -XX:MaxGCPauseMillis=10 -jar");
        return fastStart;
    }

    /** Starts the server of the fast-start layout, waits until ready, and returns it running (the caller stops it). */
    private Process startReadyWithClassesFromTheArchive(Path javaHome, List<String> jvmOptions, List<String> arguments)
            throws Exception {
        Path fastStart = dir.resolve("fast-start");
        Path work = Files.createDirectories(dir.resolve("node"));
        Path classLog = dir.resolve("class-load.log");
        port = ServerProcess.freePort();
        List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-Xlog:class+load=info:file=" + classLog, "-Xmx512m",
                "-jar", fastStart.resolve("callvault.jar").toString(), "--server.port=" + port,
                "--callvault.sip.port=0", "--callvault.recordings.dir=" + work.resolve("recordings"),
                "--callvault.admin.password=" + ServerProcess.ADMIN_PASSWORD));
        command.addAll(arguments);
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
            return server;
        }
        catch (Exception | AssertionError e) {
            server.destroyForcibly().waitFor();
            throw e;
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
