package org.callvault.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.junit.jupiter.api.AfterAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * An {@link IntegrationTest} whose recordings go to object storage: an S3Mock started with the
 * application context and stopped after the class's tests, keys under {@link #PREFIX}, uploads
 * retried every second. A subclass needs a configuration of its own (its own
 * {@code @TestPropertySource} or {@code @Import}), so that its context, started with its own mock,
 * is never one cached for another class.
 */
public abstract class S3IntegrationTest extends IntegrationTest {

    protected static final String PREFIX = "cv/";

    protected static S3MockServer s3;
    /** A client of the test's own, to look at the bucket. */
    protected static S3Client bucket;

    @DynamicPropertySource
    static void objectStorage(DynamicPropertyRegistry registry) throws IOException {
        s3 = S3MockServer.start(Files.createTempDirectory("callvault-s3-it"));
        bucket = s3.client();
        s3.register(registry, PREFIX);
        registry.add("callvault.storage.s3.retry-every", () -> "1s");
    }

    @AfterAll
    static void stopBucket() throws InterruptedException {
        bucket.close();
        s3.close();
    }

    /** An object's bytes, by its key without the prefix; NoSuchKeyException when there is none. */
    protected static byte[] object(String key) throws IOException {
        try (InputStream in = bucket.getObject(b -> b.bucket(S3MockServer.BUCKET).key(PREFIX + key))) {
            return in.readAllBytes();
        }
    }

    protected static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
