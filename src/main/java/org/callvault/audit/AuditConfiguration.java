package org.callvault.audit;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

    @Bean
    AuditVerifier auditVerifier(JdbcClient jdbc) {
        return new AuditVerifier(jdbc);
    }
}
