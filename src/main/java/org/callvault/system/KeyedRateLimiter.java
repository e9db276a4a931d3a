package org.callvault.system;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * "N per minute" per key (a client address, a session): a token bucket per key that holds at most N
 * and refills one every minute / N, so there is no window edge at which 2N pass at once. Buckets
 * that have refilled completely are forgotten ({@link #forgetIdle}), so the map holds only keys
 * seen lately.
 */
public final class KeyedRateLimiter {

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final int capacity;
    private final long refillNanos;
    private final LongSupplier nanoTime;

    public KeyedRateLimiter(int perMinute) {
        this(perMinute, Duration.ofMinutes(1), System::nanoTime);
    }

    KeyedRateLimiter(int perPeriod, Duration period, LongSupplier nanoTime) {
        if (perPeriod < 1) {
            throw new IllegalArgumentException("at least one per period");
        }
        this.capacity = perPeriod;
        this.refillNanos = period.toNanos() / perPeriod;
        this.nanoTime = nanoTime;
    }

    /** Takes one for {@code key}: {@link Duration#ZERO} if allowed, otherwise how long until one is. */
    public Duration tryAcquire(String key) {
        long now = nanoTime.getAsLong();
        Duration[] wait = new Duration[1];
        buckets.compute(key, (k, bucket) -> {
            // "full at" is when the bucket would hold capacity again; each use pushes it one refill later.
            long fullAt = bucket == null ? now : Math.max(bucket.fullAt, now);
            long afterUse = fullAt + refillNanos;
            if (afterUse - now > capacity * refillNanos) {
                wait[0] = Duration.ofNanos(afterUse - now - capacity * refillNanos);
                return bucket;
            }
            wait[0] = Duration.ZERO;
            return new Bucket(afterUse);
        });
        return wait[0];
    }

    /** Drops the buckets that are full again (their key has not been seen for a while). */
    public void forgetIdle() {
        long now = nanoTime.getAsLong();
        buckets.values().removeIf(bucket -> bucket.fullAt - now <= 0);
    }

    private record Bucket(long fullAt) {
    }
}
