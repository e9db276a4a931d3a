package org.callvault.system;

import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.data.redis.ReactiveRedisSessionRepository;
import org.springframework.session.web.server.session.SpringSessionWebSessionStore;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.InMemoryWebSessionStore;
import org.springframework.web.server.session.WebSessionIdResolver;
import org.springframework.web.server.session.WebSessionManager;
import org.springframework.web.server.session.WebSessionStore;

import reactor.core.publisher.Mono;

/**
 * Several nodes: only when {@code callvault.redis.url} is set. Sign-in sessions move from the
 * node's memory to Redis (Spring Session), and {@link SharedRedis} is there for the throttles and
 * caches that must agree across nodes. Without the setting the Redis beans are {@code null} (Spring
 * keeps them as "no bean": {@code ObjectProvider.getIfAvailable()} gives null) and no Redis
 * connection is attempted.
 * <p>
 * Every choice is made in the bean methods, at start, not by conditions: with Spring AOT conditions
 * are evaluated once at build time, and one build must serve one node and several
 * (docs/ARCHITECTURE.md, "Bean choices at run time"). That is also why the session store is chosen
 * here rather than by {@code @EnableRedisWebSession}, whose session manager would replace Boot's
 * in-memory one for good.
 */
@Configuration(proxyBeanMethods = false)
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
        return properties.configured()
                ? SharedRedis.connect(properties.url(), properties.keyPrefix(), COMMAND_TIMEOUT) : null;
    }

    /** The connection Spring Session stores the sessions through (a bean: Spring starts and stops it). */
    @Bean
    LettuceConnectionFactory redisConnectionFactory(RedisProperties properties) {
        if (!properties.configured()) {
            return null;
        }
        var client = LettuceClientConfiguration.builder().commandTimeout(COMMAND_TIMEOUT).clientOptions(clientOptions());
        if (RedisURI.create(properties.url()).isSsl()) {
            client.useSsl();
        }
        return new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(properties.url()), client.build());
    }

    /**
     * Where sign-in sessions live: in Redis when it is configured (Spring Session, as
     * {@code @EnableRedisWebSession} sets it up: string keys, JDK-serialized attributes, its 30-minute
     * idle timeout), else in this node's memory as Boot would keep them ({@code server.reactive.session.*}).
     * Named so that Boot's own session manager steps aside.
     */
    @Bean(WebHttpHandlerBuilder.WEB_SESSION_MANAGER_BEAN_NAME)
    WebSessionManager webSessionManager(ObjectProvider<LettuceConnectionFactory> redis, RedisProperties properties,
            ServerProperties server, ObjectProvider<WebSessionIdResolver> idResolver) {
        LettuceConnectionFactory connections = redis.getIfAvailable();
        var manager = new DefaultWebSessionManager();
        manager.setSessionStore(connections != null ? redisSessions(connections, properties.keyPrefix())
                : inMemorySessions(server.getReactive().getSession()));
        idResolver.ifAvailable(manager::setSessionIdResolver);
        return manager;
    }

    private static WebSessionStore redisSessions(LettuceConnectionFactory connections, String keyPrefix) {
        RedisSerializer<Object> values = new JdkSerializationRedisSerializer(RedisConfiguration.class.getClassLoader());
        var context = RedisSerializationContext.<String, Object>newSerializationContext(values)
                .key(RedisSerializer.string()).hashKey(RedisSerializer.string()).build();
        var repository = new ReactiveRedisSessionRepository(new ReactiveRedisTemplate<>(connections, context));
        repository.setRedisKeyNamespace(keyPrefix + "sessions");
        return new SpringSessionWebSessionStore<>(repository);
    }

    private static WebSessionStore inMemorySessions(ServerProperties.Reactive.Session settings) {
        Duration idle = settings.getTimeout();
        var store = new InMemoryWebSessionStore() {
            @Override
            public Mono<WebSession> createWebSession() {
                return super.createWebSession().doOnSuccess(session -> session.setMaxIdleTime(idle));
            }
        };
        store.setMaxSessions(settings.getMaxSessions());
        return store;
    }

    /** Before Boot's error handler (order -1): Redis outages answer 503 with their cause (idle without Redis). */
    @Bean
    @Order(-2)
    RedisOutageHandler redisOutageHandler() {
        return new RedisOutageHandler();
    }
}
