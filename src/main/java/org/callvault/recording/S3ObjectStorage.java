package org.callvault.recording;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Recordings in an S3-compatible bucket through the AWS SDK for Java v2: the synchronous client on
 * the JDK's HTTP connection, so its calls block the thread that makes them (the upload thread, the
 * web blocking pool, the audio streaming pool), never a Netty event loop. Objects are written
 * without any ACL, so they keep the bucket's own (private) one. Uploads are verified with S3's
 * SHA-256 checksums: see {@link #put}.
 */
public class S3ObjectStorage implements ObjectStorage, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(S3ObjectStorage.class);

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final long multipartThreshold;
    private final int partSize;

    public S3ObjectStorage(RecordingStorageProperties.S3 settings) {
        settings.validate();
        this.bucket = settings.bucket();
        this.prefix = settings.prefix();
        this.multipartThreshold = settings.multipartThreshold().toBytes();
        this.partSize = (int) Math.min(Integer.MAX_VALUE - 8, settings.partSize().toBytes());
        AwsCredentialsProvider credentials = settings.accessKey().isEmpty() ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
        var builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30)))
                .region(Region.of(settings.region())).credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle());
        if (!settings.endpoint().isEmpty()) {
            builder.endpointOverride(URI.create(settings.endpoint()));
        }
        this.s3 = builder.build();
    }

    String key(String relative) {
        return prefix + relative;
    }

    /**
     * A file below the multipart threshold goes in one PUT that carries the recorder's SHA-256: S3
     * computes its own over what it received and refuses the object when they differ. A larger
     * file goes in parts, each with its SHA-256 (S3 checks each); the bytes sent are hashed on the
     * way and must give the recorder's SHA-256, else the upload is aborted; the composite checksum
     * S3 returns must match the one made from the parts' hashes.
     */
    @Override
    public void put(String relative, Path file, String sha256Hex) throws IOException {
        long size = Files.size(file);
        try {
            if (size < multipartThreshold) {
                putWhole(key(relative), file, sha256Hex);
            }
            else {
                putInParts(key(relative), file, size, sha256Hex);
            }
        }
        catch (SdkException e) {
            throw new IOException("Upload of " + relative + " to bucket " + bucket + " failed: " + e.getMessage(), e);
        }
    }

    private void putWhole(String key, Path file, String sha256Hex) throws IOException {
        String expected = base64(sha256Hex != null ? HexFormat.of().parseHex(sha256Hex) : sha256(file));
        PutObjectResponse response = s3.putObject(b -> b.bucket(bucket).key(key)
                .checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(expected), RequestBody.fromFile(file));
        if (response.checksumSHA256() != null && !response.checksumSHA256().equals(expected)) {
            delete0(key);
            throw new IOException("Bucket stored " + key + " with SHA-256 " + response.checksumSHA256()
                    + " instead of " + expected + "; object removed");
        }
    }

    private void putInParts(String key, Path file, long size, String sha256Hex) throws IOException {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)
                .checksumAlgorithm(ChecksumAlgorithm.SHA256)).uploadId();
        boolean completed = false;
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest whole = newSha256();
            MessageDigest ofParts = newSha256();
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buffer = new byte[(int) Math.min(partSize, size)];
            int number = 0;
            int read;
            while ((read = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                number++;
                whole.update(buffer, 0, read);
                MessageDigest part = newSha256();
                part.update(buffer, 0, read);
                byte[] partSha = part.digest();
                ofParts.update(partSha);
                String partChecksum = base64(partSha);
                int partNumber = number;
                UploadPartResponse uploaded = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                        .partNumber(partNumber).checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(partChecksum),
                        RequestBody.fromBytes(read == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, read)));
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(uploaded.eTag())
                        .checksumSHA256(partChecksum).build());
            }
            String sent = HexFormat.of().formatHex(whole.digest());
            if (sha256Hex != null && !sent.equals(sha256Hex)) {
                throw new IOException("The file " + file + " no longer has the SHA-256 the recorder computed");
            }
            CompleteMultipartUploadResponse done = s3.completeMultipartUpload(b -> b.bucket(bucket).key(key)
                    .uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
            completed = true;
            String composite = base64(ofParts.digest()) + "-" + parts.size();
            if (done.checksumSHA256() != null && !done.checksumSHA256().equals(composite)) {
                delete0(key);
                throw new IOException("Bucket stored " + key + " with checksum " + done.checksumSHA256() + " instead of "
                        + composite + "; object removed");
            }
        }
        finally {
            if (!completed) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
                }
                catch (SdkException e) {
                    log.warn("Could not abort the multipart upload of {} (the bucket's lifecycle rule clears it)", key);
                }
            }
        }
    }

    @Override
    public Read get(String relative, String range) throws IOException {
        try {
            ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key(relative)).range(range));
            GetObjectResponse response = in.response();
            long total = response.contentRange() != null ? totalOf(response.contentRange()) : response.contentLength();
            return new Read(in, response.contentLength(), response.contentRange(), total);
        }
        catch (NoSuchKeyException e) {
            throw new java.io.FileNotFoundException("No object " + key(relative) + " in bucket " + bucket);
        }
        catch (S3Exception e) {
            if (e.statusCode() == 416) {
                throw new RangeNotSatisfiable(size(relative));
            }
            throw new IOException("Reading " + key(relative) + " from bucket " + bucket + " failed: " + e.getMessage(), e);
        }
        catch (SdkException e) {
            throw new IOException("Reading " + key(relative) + " from bucket " + bucket + " failed: " + e.getMessage(), e);
        }
    }

    long size(String relative) throws IOException {
        try {
            return s3.headObject(b -> b.bucket(bucket).key(key(relative))).contentLength();
        }
        catch (SdkException e) {
            throw new IOException("Cannot read the size of " + key(relative), e);
        }
    }

    private static long totalOf(String contentRange) {
        int slash = contentRange.lastIndexOf('/');
        return Long.parseLong(contentRange.substring(slash + 1).trim());
    }

    /**
     * ListObjectsV2 through the SDK's paginator: it asks for the next page (at most 1000 keys) with
     * the continuation token only when the stream reaches it. Keys come back without this
     * storage's prefix, as the other methods take them.
     */
    @Override
    public Stream<String> list(String relativePrefix) {
        return list(relativePrefix, 1000);
    }

    /** As {@link #list(String)}, {@code pageSize} keys a request (S3's own maximum is 1000). */
    Stream<String> list(String relativePrefix, int pageSize) {
        if (pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("A page holds 1 to 1000 keys, not " + pageSize);
        }
        if (relativePrefix == null || relativePrefix.startsWith("/") || relativePrefix.contains("..")) {
            throw new IllegalArgumentException("Not a key prefix: " + relativePrefix);
        }
        String listed = key(relativePrefix);
        java.util.Iterator<String> keys = new java.util.Iterator<>() {

            /** Made on the first read: the SDK asks for the first page as soon as it makes it. */
            private java.util.Iterator<S3Object> objects;

            @Override
            public boolean hasNext() {
                try {
                    if (objects == null) {
                        objects = s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(listed).maxKeys(pageSize))
                                .contents().iterator();
                    }
                    return objects.hasNext(); // fetches the next page when this one is used up
                }
                catch (SdkException e) {
                    throw new UncheckedIOException(new IOException("Listing " + listed + " in bucket " + bucket
                            + " failed: " + e.getMessage(), e));
                }
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return objects.next().key().substring(prefix.length());
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(keys, Spliterator.ORDERED | Spliterator.NONNULL),
                false);
    }

    @Override
    public void delete(String relative) throws IOException {
        try {
            delete0(key(relative));
        }
        catch (SdkException e) {
            throw new IOException("Deleting " + key(relative) + " from bucket " + bucket + " failed: " + e.getMessage(), e);
        }
    }

    private void delete0(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Override
    public String problem() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
            return null;
        }
        catch (S3Exception e) {
            return "bucket " + bucket + " answered " + e.statusCode()
                    + (e.statusCode() == 404 ? " (no such bucket)" : e.statusCode() == 403 ? " (access denied)" : "");
        }
        catch (SdkException e) {
            return "bucket " + bucket + " unreachable: " + e.getMessage();
        }
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public void close() {
        s3.close();
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] sha256(Path file) throws IOException {
        return HexFormat.of().parseHex(RecordingService.sha256(file));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
