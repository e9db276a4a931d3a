package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The S3 settings are checked before any connection, with messages that name the setting. */
class RecordingStoragePropertiesTest {

    private static RecordingStorageProperties.S3 s3(String endpoint, String bucket, String access, String secret,
            String prefix) {
        return new RecordingStorageProperties.S3(endpoint, bucket, "us-east-1", access, secret, prefix, true,
                DataSize.ofMegabytes(16), DataSize.ofMegabytes(8), Duration.ofMinutes(1));
    }

    @Test
    void goodSettingsPass() {
        s3("http://127.0.0.1:9000", "callvault-recordings", "a", "b", "cv/").validate();
        s3("", "my.bucket", "", "", "").validate();
    }

    @Test
    void badBucketNamesAreRefusedByName() {
        for (String bad : new String[] { "", "ab", "Upper", "under_score", "-start", "a..b", "x".repeat(64) }) {
            assertThatThrownBy(() -> s3("", bad, "", "", "").validate()).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CALLVAULT_S3_BUCKET");
        }
    }

    @Test
    void badEndpointsAreRefused() {
        for (String bad : new String[] { "ftp://host", "not a url", "http://user:pw@host:9000", "127.0.0.1:9000" }) {
            assertThatThrownBy(() -> s3(bad, "bucket", "", "", "").validate()).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CALLVAULT_S3_ENDPOINT")
                    .hasMessageNotContaining("pw@");
        }
    }

    @Test
    void halfCredentialsAndOddPrefixesAreRefused() {
        assertThatThrownBy(() -> s3("", "bucket", "key", "", "").validate()).hasMessageContaining("go together");
        assertThatThrownBy(() -> s3("", "bucket", "", "", "../x").validate()).hasMessageContaining("prefix");
        assertThatThrownBy(() -> s3("", "bucket", "", "", "/abs/").validate()).hasMessageContaining("prefix");
    }

    @Test
    void theSecretNeverAppearsInTheSettingsText() {
        assertThat(s3("http://h:1", "bucket", "AKIAEXAMPLE", "very-secret-value", "").toString())
                .doesNotContain("very-secret-value").contains("static");
    }
}
