package org.callvault.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.InMemoryWebSessionStore;
import org.springframework.web.server.session.WebSessionIdResolver;

/**
 * One node (no {@code callvault.redis.url}): the choices {@link RedisConfiguration} makes at start
 * (docs/ARCHITECTURE.md, "Bean choices at run time") give no Redis beans and sessions kept in memory
 * with Boot's {@code server.reactive.session} settings, as Boot's own session manager kept them.
 * The Redis side is started for real in FastStartIT and the several-node tests.
 */
class RedisConfigurationTest {

    private final RedisConfiguration configuration = new RedisConfiguration();
    private final RedisProperties oneNode = new RedisProperties("", "callvault:");

    @Test
    void withoutARedisUrlThereIsNoRedisBeanAndNoConnection() {
        assertThat(configuration.sharedRedis(oneNode)).isNull();
        assertThat(configuration.redisConnectionFactory(oneNode)).isNull();
    }

    @Test
    void withoutARedisUrlSessionsStayInMemoryWithTheServerSessionSettings() {
        var server = new ServerProperties();
        server.getReactive().getSession().setTimeout(Duration.ofMinutes(7));
        server.getReactive().getSession().setMaxSessions(123);
        var noBeans = new StaticListableBeanFactory();

        var manager = (DefaultWebSessionManager) configuration.webSessionManager(
                noBeans.getBeanProvider(LettuceConnectionFactory.class), oneNode, server,
                noBeans.getBeanProvider(WebSessionIdResolver.class));

        assertThat(manager.getSessionStore()).isInstanceOf(InMemoryWebSessionStore.class);
        assertThat(((InMemoryWebSessionStore) manager.getSessionStore()).getMaxSessions()).isEqualTo(123);
        WebSession session = manager.getSessionStore().createWebSession().block();
        assertThat(session.getMaxIdleTime()).isEqualTo(Duration.ofMinutes(7));
    }
}
