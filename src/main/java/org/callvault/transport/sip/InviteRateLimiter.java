package org.callvault.transport.sip;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * New INVITEs per source address: a token bucket of {@code perSecond} tokens refilled at that rate.
 * Buckets of quiet sources are dropped once the map is large, so a scan from many addresses holds
 * a bounded amount of memory.
 */
final class InviteRateLimiter {

    private static final int MAX_SOURCES = 10_000;

    private final double perNano;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    InviteRateLimiter(int perSecond) {
        this.perNano = perSecond / 1e9;
        this.burst = perSecond;
    }

    /** True if {@code source} may start another call now. */
    boolean tryAcquire(String source, long nowNanos) {
        if (buckets.size() >= MAX_SOURCES) {
            buckets.values().removeIf(b -> b.full(nowNanos));
            if (buckets.size() >= MAX_SOURCES && !buckets.containsKey(source)) {
                return false; // still full of busy sources: refuse newcomers rather than grow
            }
        }
        Bucket bucket = buckets.computeIfAbsent(source, s -> new Bucket(burst, nowNanos));
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + (nowNanos - bucket.at) * perNano);
            bucket.at = nowNanos;
            if (bucket.tokens < 1) {
                return false;
            }
            bucket.tokens -= 1;
            return true;
        }
    }

    private final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        synchronized boolean full(long nowNanos) {
            return tokens + (nowNanos - at) * perNano >= burst;
        }
    }
}
