package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InviteRateLimiterTest {

    @Test
    void aSourceGetsItsBurstThenOnePerTenthOfASecondAtTenPerSecond() {
        InviteRateLimiter limiter = new InviteRateLimiter(10);
        long t = 1_000_000_000L;
        int admitted = 0;
        for (int i = 0; i < 50; i++) {
            admitted += limiter.tryAcquire("192.0.2.1", t) ? 1 : 0;
        }
        assertThat(admitted).isEqualTo(10);
        assertThat(limiter.tryAcquire("192.0.2.1", t + 50_000_000L)).isFalse();
        assertThat(limiter.tryAcquire("192.0.2.1", t + 100_000_000L)).isTrue();
        // Another source has its own bucket.
        assertThat(limiter.tryAcquire("192.0.2.2", t)).isTrue();
    }
}
