package org.callvault.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class KeyedRateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final KeyedRateLimiter limiter = new KeyedRateLimiter(5, Duration.ofMinutes(1), now::get);

    @Test
    void fivePassAtOnceTheSixthWaitsTwelveSecondsAndKeysAreApart() {
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire("a")).isZero();
        }
        assertThat(limiter.tryAcquire("a")).isEqualTo(Duration.ofSeconds(12));
        assertThat(limiter.tryAcquire("b")).isZero();
        now.addAndGet(Duration.ofSeconds(12).toNanos());
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("a")).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void idleKeysAreForgottenOnlyOnceFull() {
        limiter.tryAcquire("a");
        limiter.forgetIdle();
        assertThat(limiter.tryAcquire("a")).isZero(); // still counted: 2 of 5 used
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        limiter.forgetIdle();
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire("a")).isZero();
        }
    }
}
