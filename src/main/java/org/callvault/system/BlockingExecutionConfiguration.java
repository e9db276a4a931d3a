package org.callvault.system;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.reactive.config.BlockingExecutionConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/**
 * The server runs on Reactor Netty because the media path needs it (see docs/ARCHITECTURE.md),
 * but pages and the REST API talk to the database through blocking JDBC. Controller methods that
 * return plain values run on this bounded pool, never on a network thread, so a slow query can
 * not add latency to live audio.
 */
@Configuration(proxyBeanMethods = false)
class BlockingExecutionConfiguration implements WebFluxConfigurer {

    private final ThreadPoolTaskExecutor executor;

    BlockingExecutionConfiguration() {
        this.executor = new ThreadPoolTaskExecutor();
        executor.setThreadNamePrefix("web-blocking-");
        executor.setCorePoolSize(8);
        executor.setMaxPoolSize(32);
        executor.setQueueCapacity(1000);
        executor.setWaitForTasksToCompleteOnShutdown(true);
        executor.initialize();
    }

    @Bean(destroyMethod = "shutdown")
    ThreadPoolTaskExecutor webBlockingExecutor() {
        return executor;
    }

    @Override
    public void configureBlockingExecution(BlockingExecutionConfigurer configurer) {
        configurer.setExecutor(executor);
    }
}
