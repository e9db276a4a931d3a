package org.callvault.recording;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Where finished recordings are kept (issue 19 point 3, docs/ARCHITECTURE.md "Recordings in object
 * storage"): {@code local} (the default: the recordings folder, as always) or {@code s3}: the folder
 * is a spool for live files, and a finished recording is uploaded to an S3-compatible bucket, then
 * its spool copy removed.
 *
 * @param type {@code local} or {@code s3}
 */
@Validated
@ConfigurationProperties("callvault.storage")
public record RecordingStorageProperties(@NotNull @DefaultValue("local") Type type, @Valid @NotNull @DefaultValue S3 s3) {

    public enum Type {
        LOCAL, S3
    }

    public boolean s3Enabled() {
        return type == Type.S3;
    }

    /**
     * @param endpoint           an S3-compatible server's URL (http:// or https://); empty: AWS's own
     *                           endpoint for the region
     * @param bucket             the bucket (it must exist; CallVault never creates or opens it)
     * @param region             the bucket's region (S3-compatible servers usually take any, e.g. us-east-1)
     * @param accessKey          with {@code secretKey}; both empty: the AWS default credential chain
     *                           (environment, profile, instance role)
     * @param secretKey          never logged (not even by this record's toString)
     * @param prefix             put before every object key, e.g. {@code callvault/}; may be empty
     * @param pathStyle          {@code bucket} in the path, not the host name (S3-compatible servers)
     * @param multipartThreshold files this large or larger are uploaded in parts
     * @param partSize           the size of each part (S3's floor is 5 MB)
     * @param retryEvery         how often recordings whose upload failed are tried again
     */
    public record S3(@DefaultValue("") String endpoint, @DefaultValue("") String bucket,
            @DefaultValue("us-east-1") String region, @DefaultValue("") String accessKey,
            @DefaultValue("") String secretKey, @DefaultValue("") String prefix,
            @DefaultValue("true") boolean pathStyle, @NotNull @DefaultValue("16MB") DataSize multipartThreshold,
            @NotNull @DefaultValue("8MB") DataSize partSize, @NotNull @DefaultValue("1m") Duration retryEvery) {

        /** S3's bucket naming rules (3-63 characters, lower-case letters, digits, dots and hyphens). */
        private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
        private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9._-]+/)*");
        private static final long MIN_PART = 5L * 1024 * 1024;

        /**
         * Checks the settings before any connection is made, with a message naming the setting: a
         * mistyped bucket or endpoint stops the start instead of failing every upload later.
         */
        public void validate() {
            if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
                throw new IllegalArgumentException("callvault.storage.s3.bucket (CALLVAULT_S3_BUCKET) must be an S3 "
                        + "bucket name: 3 to 63 lower-case letters, digits, dots or hyphens; was '" + bucket + "'");
            }
            if (!endpoint.isEmpty()) {
                URI uri;
                try {
                    uri = URI.create(endpoint);
                }
                catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("callvault.storage.s3.endpoint (CALLVAULT_S3_ENDPOINT) is not a "
                            + "URL: " + e.getMessage());
                }
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                        || uri.getUserInfo() != null) {
                    throw new IllegalArgumentException("callvault.storage.s3.endpoint (CALLVAULT_S3_ENDPOINT) must be "
                            + "an http:// or https:// URL with a host and no credentials in it");
                }
            }
            if (region == null || !region.matches("[a-z0-9-]{2,32}")) {
                throw new IllegalArgumentException("callvault.storage.s3.region (CALLVAULT_S3_REGION) must be a "
                        + "region name such as us-east-1");
            }
            if (accessKey.isEmpty() != secretKey.isEmpty()) {
                throw new IllegalArgumentException("callvault.storage.s3.access-key and secret-key "
                        + "(CALLVAULT_S3_ACCESS_KEY, CALLVAULT_S3_SECRET_KEY) go together: set both, or neither for "
                        + "the AWS default credential chain");
            }
            if (!PREFIX.matcher(prefix).matches()) {
                throw new IllegalArgumentException("callvault.storage.s3.prefix (CALLVAULT_S3_PREFIX) must be empty or "
                        + "folder names ending in '/', e.g. callvault/");
            }
            if (partSize.toBytes() < MIN_PART || multipartThreshold.toBytes() < partSize.toBytes()) {
                throw new IllegalArgumentException("callvault.storage.s3.part-size must be at least 5MB and "
                        + "multipart-threshold at least the part size");
            }
            if (retryEvery.isNegative() || retryEvery.isZero()) {
                throw new IllegalArgumentException("callvault.storage.s3.retry-every must be positive");
            }
        }

        @Override
        public String toString() {
            // The secret never reaches a log line, a failure analysis or an actuator page.
            return "S3[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region + ", prefix=" + prefix
                    + ", pathStyle=" + pathStyle + ", credentials=" + (accessKey.isEmpty() ? "default chain" : "static")
                    + "]";
        }
    }
}
