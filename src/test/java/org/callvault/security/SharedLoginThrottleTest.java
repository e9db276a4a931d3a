package org.callvault.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.callvault.system.CallVaultProperties;
import org.callvault.support.RedisServer;
import org.callvault.system.SharedRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The sign-in throttle of several nodes, counted in Redis: two throttles (two nodes) on the shared
 * Redis at 127.0.0.1:6379, under a key prefix of this test's own, refuse at the same count as one;
 * a Redis that dies (one this test starts on a port of its own and kills) refuses sign-in instead
 * of letting it through uncounted, and sign-in works again when Redis returns.
 */
class SharedLoginThrottleTest {

    private final CallVaultProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
            "callvault.security.max-failures-per-account", "5", "callvault.security.max-failures-per-address", "20",
            "callvault.security.max-failures-per-device", "5", "callvault.security.failure-window", "15m")))
            .bindOrCreate("callvault", CallVaultProperties.class);

    private final String prefix = "callvault:test-" + UUID.randomUUID() + ":";
    private SharedRedis first;
    private SharedRedis second;
    private RedisServer ownRedis;

    @AfterEach
    void close() throws InterruptedException {
        for (SharedRedis redis : new SharedRedis[] { first, second }) {
            if (redis != null) {
                redis.commands().keys(prefix + "*").forEach(key -> redis.commands().del(key));
                redis.close();
            }
        }
        if (ownRedis != null) {
            ownRedis.close();
        }
    }

    @Test
    void failuresSpreadOverTwoNodesAreThrottledAtTheCountOfOne() {
        first = SharedRedis.connect("redis://127.0.0.1:6379", prefix, Duration.ofSeconds(2));
        second = SharedRedis.connect("redis://127.0.0.1:6379", prefix, Duration.ofSeconds(2));
        LoginThrottle nodeA = new LoginThrottle(properties, Clock.systemUTC(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), new RedisAttemptStore(first));
        LoginThrottle nodeB = new LoginThrottle(properties, Clock.systemUTC(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), new RedisAttemptStore(second));

        for (int i = 0; i < 5; i++) {
            assertThat((i % 2 == 0 ? nodeA : nodeB).reserve("maria", "10.0.0." + i, null).allowed()).as("attempt " + (i + 1)).isTrue();
        }
        LoginThrottle.Attempt sixth = nodeB.reserve("Maria ", "10.0.0.9", null);
        assertThat(sixth.allowed()).isFalse();
        assertThat(sixth.unavailable()).isFalse();
        assertThat(sixth.retryAfterSeconds()).isBetween(890L, 900L);

        // A right password gives its reservation back, on whichever node it was counted.
        LoginThrottle.Attempt good = nodeA.reserve("joe", "10.1.0.1", null);
        nodeB.succeeded(good);
        for (int i = 0; i < 5; i++) {
            assertThat((i % 2 == 0 ? nodeB : nodeA).reserve("joe", "10.1.0.1", null).allowed()).isTrue();
        }
        assertThat(nodeA.reserve("joe", "10.1.0.1", null).allowed()).isFalse();

        nodeA.clear();
        assertThat(nodeB.reserve("maria", "10.0.0.1", null).allowed()).as("cleared for every node").isTrue();
    }

    @Test
    void aRedisThatDiesRefusesSignInAndSignInWorksWhenItReturns() throws Exception {
        ownRedis = RedisServer.start();
        first = SharedRedis.connect(ownRedis.url(), prefix, Duration.ofSeconds(2));
        LoginThrottle throttle = new LoginThrottle(properties, Clock.systemUTC(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), new RedisAttemptStore(first));
        assertThat(throttle.reserve("maria", "10.0.0.1", null).allowed()).isTrue();

        ownRedis.kill();
        long start = System.nanoTime();
        LoginThrottle.Attempt refused = throttle.reserve("maria", "10.0.0.1", null);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.unavailable()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));

        ownRedis.restart();
        // Lettuce reconnects by itself; the new Redis is empty (this one saves nothing).
        await().atMost(Duration.ofSeconds(30)).until(() -> throttle.reserve("maria", "10.0.0.1", null).allowed());
    }
}
