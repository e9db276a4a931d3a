package org.callvault.recording;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The object storage, only with {@code callvault.storage.type=s3}: a single node makes no S3 client.
 * The choice is made here at start, not by a condition on the bean: with Spring AOT the conditions
 * are evaluated once, at build time, and one build must serve both settings (docs/ARCHITECTURE.md,
 * "Bean choices at run time").
 */
@Configuration(proxyBeanMethods = false)
class ObjectStorageConfiguration {

    /**
     * Checks the settings at once (a bad bucket name or endpoint stops the start with its name).
     * Local storage: {@code null}, which Spring keeps as "no bean" (an empty {@code Optional<ObjectStorage>}).
     */
    @Bean
    ObjectStorage objectStorage(RecordingStorageProperties properties) {
        return properties.s3Enabled() ? new S3ObjectStorage(properties.s3()) : null;
    }
}
