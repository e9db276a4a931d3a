package org.callvault.recording;

import org.callvault.media.AudioFormat;
import org.callvault.system.CallVaultProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class MediaFormatConfiguration {

    /** The canonical media format: what browsers capture at and what recordings are written in. */
    @Bean
    AudioFormat audioFormat(CallVaultProperties properties) {
        return new AudioFormat(properties.recordings().sampleRate(), properties.recordings().frameMillis());
    }
}
