package org.callvault.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import org.callvault.support.RedisServer;
import org.callvault.system.CallVaultProperties;
import org.callvault.system.SharedRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The dial limit of several nodes, counted in Redis: two limiters (two nodes) on the shared Redis,
 * under a key prefix of this test's own, let 20 dials a minute through from one address in all, not
 * 20 each; with Redis dead a dial is refused as unavailable, not let through uncounted.
 */
class DialLimitAcrossNodesTest {

    private final CallVaultProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
            "callvault.calls.dials-per-minute", "20"))).bindOrCreate("callvault", CallVaultProperties.class);
    /** Mid-minute, so the window cannot turn during the test. */
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T10:00:30Z"), ZoneOffset.UTC);
    private final String prefix = "callvault:test-" + UUID.randomUUID() + ":";
    private SharedRedis first;
    private SharedRedis second;

    @AfterEach
    void close() {
        for (SharedRedis redis : new SharedRedis[] { first, second }) {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void twoNodesTogetherLetThroughTheLimitOfOne() {
        first = SharedRedis.connect("redis://127.0.0.1:6379", prefix, Duration.ofSeconds(2));
        second = SharedRedis.connect("redis://127.0.0.1:6379", prefix, Duration.ofSeconds(2));
        DialRateLimiter nodeA = limiter(first);
        DialRateLimiter nodeB = limiter(second);
        int allowed = 0;
        for (int i = 0; i < 30; i++) {
            allowed += (i % 2 == 0 ? nodeA : nodeB).tryAcquire("198.51.100.7") ? 1 : 0;
        }
        assertThat(allowed).isEqualTo(20);
        assertThat(nodeB.tryAcquire("198.51.100.8")).as("another address has its own count").isTrue();
        // The counter expires by itself (two minutes), so Redis keeps nothing for an idle address.
        assertThat(first.commands().pttl(first.key("dials:198.51.100.7:" + clock.millis() / 60_000))).isBetween(1L, 120_000L);
    }

    @Test
    void aDeadRedisRefusesTheDialAsUnavailable() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            first = SharedRedis.connect(redis.url(), prefix, Duration.ofSeconds(2));
            DialRateLimiter limiter = limiter(first);
            assertThat(limiter.tryAcquire("198.51.100.7")).isTrue();
            redis.kill();
            assertThatThrownBy(() -> limiter.tryAcquire("198.51.100.7")).isInstanceOfSatisfying(CallException.class,
                    e -> assertThat(e.code()).isEqualTo(CallErrorCode.UNAVAILABLE));
        }
    }

    private DialRateLimiter limiter(SharedRedis redis) {
        return new DialRateLimiter(properties, clock,
                new StaticListableBeanFactory(Map.of("redis", redis)).getBeanProvider(SharedRedis.class));
    }
}
