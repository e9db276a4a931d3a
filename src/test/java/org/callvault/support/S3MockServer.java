package org.callvault.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Adobe's S3Mock, a real S3 API server (a Spring Boot jar from Maven Central, copied to
 * {@code target/s3mock/s3mock.jar} by the pom's maven-dependency-plugin), in a process of its own on
 * a free loopback port with one bucket; a test may stop it (an outage) and start it again on the
 * same port with the same objects (they are kept in a folder of the test's own).
 */
public final class S3MockServer implements AutoCloseable {

    public static final String BUCKET = "callvault-test";
    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key-never-logged";

    public final int port;
    private final Path root;
    private Process process;

    private S3MockServer(int port, Path root) {
        this.port = port;
        this.root = root;
    }

    /** Starts one keeping its objects under {@code dir}; returns once the bucket answers. */
    public static S3MockServer start(Path dir) throws IOException {
        S3MockServer server = new S3MockServer(ServerProcess.freePort(), dir.resolve("s3"));
        server.restart();
        return server;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The server settings that store recordings in this bucket. */
    public List<String> serverArguments(String prefix) {
        return List.of("--callvault.storage.type=s3", "--callvault.storage.s3.endpoint=" + endpoint(),
                "--callvault.storage.s3.bucket=" + BUCKET, "--callvault.storage.s3.region=us-east-1",
                "--callvault.storage.s3.access-key=" + ACCESS_KEY, "--callvault.storage.s3.secret-key=" + SECRET_KEY,
                "--callvault.storage.s3.prefix=" + prefix);
    }

    /** The same settings for an application context of the test's JVM (an {@code IntegrationTest}). */
    public void register(org.springframework.test.context.DynamicPropertyRegistry registry, String prefix) {
        for (String argument : serverArguments(prefix)) {
            String[] setting = argument.substring(2).split("=", 2);
            registry.add(setting[0], () -> setting[1]);
        }
    }

    /** A client of the test's own, to look at the bucket. */
    public S3Client client() {
        return S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /** Stops it at once (SIGKILL): the bucket becomes unreachable. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Starts it (again) on the same port, with the objects it held. */
    public void restart() throws IOException {
        Path jar = Path.of("target", "s3mock", "s3mock.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No " + jar + ": mvn generate-test-resources copies it from the S3Mock "
                    + "dependency (pom.xml, maven-dependency-plugin)");
        }
        Files.createDirectories(root);
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--server.port=0", "--server.address=127.0.0.1",
                "--com.adobe.testing.s3mock.httpPort=" + port, "--com.adobe.testing.s3mock.store.root=" + root,
                "--com.adobe.testing.s3mock.store.initialBuckets=" + BUCKET,
                "--com.adobe.testing.s3mock.store.retainFilesOnExit=true")
                .redirectErrorStream(true)
                .redirectOutput(root.resolveSibling("s3mock-" + System.nanoTime() + ".log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Mock exited at start; see its log beside " + root);
            }
            return http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/" + BUCKET)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        });
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
