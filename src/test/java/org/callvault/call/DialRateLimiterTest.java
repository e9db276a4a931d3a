package org.callvault.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.callvault.support.MovableClock;
import org.callvault.support.RedisServer;
import org.callvault.system.CallVaultProperties;
import org.callvault.system.SharedRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The dial limit: a sliding minute per address, kept in memory on one node and in Redis (the shared
 * one, under a key prefix of this test's own) with several. Two limiters on one Redis (two nodes)
 * let the limit of one through, not twice it; no burst of twice the limit across a minute's edge;
 * with Redis dead a dial is refused as unavailable, not let through uncounted.
 */
class DialRateLimiterTest {

    private static final String ADDRESS = "198.51.100.7";

    private final CallVaultProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
            "callvault.calls.dials-per-minute", "20"))).bindOrCreate("callvault", CallVaultProperties.class);
    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T10:00:30Z"));
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
            allowed += (i % 2 == 0 ? nodeA : nodeB).tryAcquire(ADDRESS) ? 1 : 0;
        }
        assertThat(allowed).isEqualTo(20);
        assertThat(nodeB.tryAcquire("198.51.100.8")).as("another address has its own count").isTrue();
        // The log expires by itself a minute after its last dial, so Redis keeps nothing for an idle address.
        assertThat(first.commands().pttl(first.key("dials:" + ADDRESS))).isBetween(1L, 60_000L);
    }

    /** The failure fixed windows had: 20 dials late in one minute and 20 early in the next all let through. */
    @ParameterizedTest(name = "kept in {0}")
    @ValueSource(strings = { "memory", "redis" })
    void theLimitHoldsAcrossAMinutesEdge(String where) {
        DialRateLimiter limiter = where.equals("redis")
                ? limiter(first = SharedRedis.connect("redis://127.0.0.1:6379", prefix, Duration.ofSeconds(2)))
                : limiter(null);
        clock.advance(Duration.ofSeconds(29)); // 10:00:59
        assertThat(acquired(limiter, 20)).isEqualTo(20);
        clock.advance(Duration.ofSeconds(2)); // 10:01:01, a new clock minute
        assertThat(acquired(limiter, 20)).as("the same sliding minute").isZero();
        clock.advance(Duration.ofSeconds(58)); // 10:01:59, exactly a minute after the first dials
        assertThat(acquired(limiter, 20)).as("the first dials have left the window").isEqualTo(20);
        assertThat(acquired(limiter, 1)).isZero();
    }

    @Test
    void aDeadRedisRefusesTheDialAsUnavailable() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            first = SharedRedis.connect(redis.url(), prefix, Duration.ofSeconds(2));
            DialRateLimiter limiter = limiter(first);
            assertThat(limiter.tryAcquire(ADDRESS)).isTrue();
            redis.kill();
            assertThatThrownBy(() -> limiter.tryAcquire(ADDRESS)).isInstanceOfSatisfying(CallException.class,
                    e -> assertThat(e.code()).isEqualTo(CallErrorCode.UNAVAILABLE));
        }
    }

    @Test
    void idleAddressesAreForgotten() {
        DialRateLimiter limiter = limiter(null);
        assertThat(acquired(limiter, 20)).isEqualTo(20);
        clock.advance(Duration.ofMinutes(1));
        limiter.forgetIdleAddresses();
        assertThat(limiter.trackedAddresses()).isZero();
    }

    private static int acquired(DialRateLimiter limiter, int attempts) {
        int allowed = 0;
        for (int i = 0; i < attempts; i++) {
            allowed += limiter.tryAcquire(ADDRESS) ? 1 : 0;
        }
        return allowed;
    }

    private DialRateLimiter limiter(SharedRedis redis) {
        Map<String, Object> beans = redis == null ? Map.of() : Map.of("redis", redis);
        return new DialRateLimiter(properties, clock, new StaticListableBeanFactory(beans).getBeanProvider(SharedRedis.class));
    }
}
