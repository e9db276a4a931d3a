package org.callvault.recording;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The object storage, only with {@code callvault.storage.type=s3}: a single node makes no S3 client. */
@Configuration(proxyBeanMethods = false)
class ObjectStorageConfiguration {

    /** Checks the settings at once (a bad bucket name or endpoint stops the start with its name). */
    @Bean
    @ConditionalOnProperty(name = "callvault.storage.type", havingValue = "s3")
    ObjectStorage objectStorage(RecordingStorageProperties properties) {
        return new S3ObjectStorage(properties.s3());
    }
}
