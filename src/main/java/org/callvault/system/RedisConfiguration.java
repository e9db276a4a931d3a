package org.callvault.system;

import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.session.config.ReactiveSessionRepositoryCustomizer;
import org.springframework.session.data.redis.ReactiveRedisSessionRepository;
import org.springframework.session.data.redis.config.annotation.web.server.EnableRedisWebSession;

/**
 * Several nodes: only when {@code callvault.redis.url} is set. Sign-in sessions move from the
 * node's memory to Redis (Spring Session), and {@link SharedRedis} is there for the throttles and
 * caches that must agree across nodes. Without the setting none of this exists and no Redis
 * connection is attempted.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(RedisConfiguration.RedisConfigured.class)
@EnableRedisWebSession
class RedisConfiguration {

    /**
     * A request that needs Redis while it is down fails after this long at most; with
     * {@link ClientOptions.DisconnectedBehavior#REJECT_COMMANDS} it fails at once instead of queueing.
     */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private static ClientOptions clientOptions() {
        return ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build();
    }

    @Bean(destroyMethod = "close")
    SharedRedis sharedRedis(RedisProperties properties) {
        return SharedRedis.connect(properties.url(), properties.keyPrefix(), COMMAND_TIMEOUT);
    }

    /** The connection Spring Session stores the sessions through. */
    @Bean
    LettuceConnectionFactory redisConnectionFactory(RedisProperties properties) {
        var client = LettuceClientConfiguration.builder().commandTimeout(COMMAND_TIMEOUT).clientOptions(clientOptions());
        if (RedisURI.create(properties.url()).isSsl()) {
            client.useSsl();
        }
        return new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(properties.url()), client.build());
    }

    @Bean
    ReactiveSessionRepositoryCustomizer<ReactiveRedisSessionRepository> sessionKeysUnderPrefix(RedisProperties properties) {
        return repository -> repository.setRedisKeyNamespace(properties.keyPrefix() + "sessions");
    }

    /** Before Boot's error handler (order -1): Redis outages answer 503 with their cause. */
    @Bean
    @Order(-2)
    RedisOutageHandler redisOutageHandler() {
        return new RedisOutageHandler();
    }

    /** True when {@code callvault.redis.url} is set to something. */
    static final class RedisConfigured implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String url = context.getEnvironment().getProperty("callvault.redis.url");
            return url != null && !url.isBlank();
        }
    }
}
