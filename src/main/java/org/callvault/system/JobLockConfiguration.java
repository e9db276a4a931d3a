package org.callvault.system;

import javax.sql.DataSource;

import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Scheduled jobs that act on shared data (retention) carry {@code @SchedulerLock}: of several nodes
 * sharing the database, the one that takes the job's row in the {@code shedlock} table runs it and
 * the others skip that run. One node takes the lock every time, at the cost of one UPDATE per run.
 * Jobs that tidy a node's own memory or disk stay unlocked: every node must run those.
 */
@Configuration(proxyBeanMethods = false)
@EnableSchedulerLock(defaultLockAtMostFor = "PT1H")
class JobLockConfiguration {

    @Bean
    LockProvider lockProvider(DataSource dataSource) {
        // The database's clock decides when a lock ends, so the nodes' clocks need not agree.
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource)).usingDbTime().build());
    }
}
