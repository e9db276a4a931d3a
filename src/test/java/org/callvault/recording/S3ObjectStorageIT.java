package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.callvault.support.DatabaseIndependent;
import org.callvault.support.S3MockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** {@link S3ObjectStorage} against a real S3 API server (S3Mock): verified uploads, ranges, deletion, outage. */
@DatabaseIndependent
class S3ObjectStorageIT {

    @TempDir
    static Path dir;

    static S3MockServer s3;
    static S3ObjectStorage storage;
    static S3Client bucket;

    @BeforeAll
    static void start() throws IOException {
        s3 = S3MockServer.start(dir);
        storage = new S3ObjectStorage(settings(s3.endpoint(), S3MockServer.BUCKET));
        bucket = s3.client();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        storage.close();
        bucket.close();
        s3.close();
    }

    static RecordingStorageProperties.S3 settings(String endpoint, String bucketName) {
        return new RecordingStorageProperties.S3(endpoint, bucketName, "us-east-1", S3MockServer.ACCESS_KEY,
                S3MockServer.SECRET_KEY, "t/", true, DataSize.ofMegabytes(5), DataSize.ofMegabytes(5),
                Duration.ofSeconds(1));
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] object(String key) throws IOException {
        try (InputStream in = bucket.getObject(b -> b.bucket(S3MockServer.BUCKET).key(key))) {
            return in.readAllBytes();
        }
    }

    @Test
    void aSmallFileIsStoredVerifiedAndReadByRange() throws IOException {
        byte[] bytes = random(300_000, 1);
        Path file = Files.write(dir.resolve("small.wav"), bytes);
        storage.put("2026/12/02/small.wav", file, RecordingService.sha256(file));

        assertThat(object("t/2026/12/02/small.wav")).isEqualTo(bytes);
        ObjectStorage.Read range = storage.get("2026/12/02/small.wav", "bytes=1000-1999");
        try (InputStream in = range.stream()) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, 1000, 2000));
        }
        assertThat(range.contentRange()).isEqualTo("bytes 1000-1999/300000");
        assertThat(range.length()).isEqualTo(1000);
        ObjectStorage.Read suffix = storage.get("2026/12/02/small.wav", "bytes=-10");
        try (InputStream in = suffix.stream()) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, bytes.length - 10, bytes.length));
        }
        assertThatThrownBy(() -> storage.get("2026/12/02/small.wav", "bytes=300000-"))
                .isInstanceOf(ObjectStorage.RangeNotSatisfiable.class)
                .satisfies(e -> assertThat(((ObjectStorage.RangeNotSatisfiable) e).size()).isEqualTo(300_000));

        storage.delete("2026/12/02/small.wav");
        assertThatThrownBy(() -> object("t/2026/12/02/small.wav")).isInstanceOf(NoSuchKeyException.class);
        storage.delete("2026/12/02/small.wav"); // deleting what is gone is no error
    }

    @Test
    void listingGoesPageByPageAndGivesKeysWithoutThePrefix() throws IOException {
        Path file = Files.write(dir.resolve("listed.json"), "{}".getBytes());
        List<String> keys = List.of("list/2026/12/01/a.json", "list/2026/12/01/a.wav", "list/2026/12/02/b.json",
                "list/2026/12/03/c.json", "list/2026/12/03/c.opus");
        for (String key : keys) {
            storage.put(key, file, null);
        }
        bucket.putObject(b -> b.bucket(S3MockServer.BUCKET).key("outside/list/x.json"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("{}"));

        // Two keys a page: three requests, each with the previous one's continuation token.
        try (Stream<String> listed = storage.list("list/", 2)) {
            assertThat(listed.toList()).containsExactlyElementsOf(keys);
        }
        try (Stream<String> listed = storage.list("list/2026/12/03/")) {
            assertThat(listed.toList()).containsExactly("list/2026/12/03/c.json", "list/2026/12/03/c.opus");
        }
        try (Stream<String> listed = storage.list("nothing-here/")) {
            assertThat(listed.toList()).isEmpty();
        }
        assertThatThrownBy(() -> storage.list("../", 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.list("list/", 1001)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFileWhoseHashIsNotTheRecordersIsRefusedAndNotKept() throws IOException {
        Path file = Files.write(dir.resolve("changed.wav"), random(10_000, 2));
        String otherSha = RecordingService.sha256(Files.write(dir.resolve("other.wav"), random(10_000, 3)));

        assertThatThrownBy(() -> storage.put("changed.wav", file, otherSha)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> object("t/changed.wav")).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void aLargeFileGoesInPartsAndComesBackByteForByte() throws IOException {
        byte[] bytes = random(12 * 1024 * 1024 + 123, 4); // three parts of 5 MB
        Path file = Files.write(dir.resolve("large.wav"), bytes);
        String sha = RecordingService.sha256(file);

        storage.put("large.wav", file, sha);

        ObjectStorage.Read whole = storage.get("large.wav", null);
        assertThat(whole.length()).isEqualTo(bytes.length);
        try (InputStream in = whole.stream()) {
            assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(in.readAllBytes()))).isEqualTo(sha);
        }
        catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aLargeFileThatChangedSinceItWasHashedIsAborted() throws IOException {
        Path file = Files.write(dir.resolve("large-changed.wav"), random(11 * 1024 * 1024, 5));
        String staleSha = RecordingService.sha256(Files.write(dir.resolve("x.wav"), random(100, 6)));

        assertThatThrownBy(() -> storage.put("large-changed.wav", file, staleSha)).isInstanceOf(IOException.class)
                .hasMessageContaining("no longer has the SHA-256");
        assertThatThrownBy(() -> object("t/large-changed.wav")).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void aMissingBucketIsNamedInTheProblem() {
        try (S3ObjectStorage elsewhere = new S3ObjectStorage(settings(s3.endpoint(), "no-such-bucket"))) {
            assertThat(elsewhere.problem()).contains("no-such-bucket").contains("404");
        }
        assertThat(storage.problem()).isNull();
    }

    @Test
    void anUnreachableServerIsAProblemNotACrash() throws IOException {
        int closed = org.callvault.support.ServerProcess.freePort();
        try (S3ObjectStorage nowhere = new S3ObjectStorage(settings("http://127.0.0.1:" + closed, "callvault-test"))) {
            assertThat(nowhere.problem()).contains("unreachable");
            Path file = Files.write(dir.resolve("nowhere.wav"), random(100, 7));
            assertThatThrownBy(() -> nowhere.put("nowhere.wav", file, null)).isInstanceOf(IOException.class)
                    .hasMessageNotContaining(S3MockServer.SECRET_KEY);
            try (Stream<String> listed = nowhere.list("")) {
                assertThatThrownBy(listed::toList).isInstanceOf(java.io.UncheckedIOException.class)
                        .hasMessageContaining("Listing");
            }
        }
    }
}
