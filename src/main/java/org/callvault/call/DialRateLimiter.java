package org.callvault.call;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.RedisException;

import org.callvault.system.CallVaultProperties;
import org.callvault.system.SharedRedis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Call attempts per client address in fixed one-minute windows; the phone page is public. With
 * several nodes (Redis configured) the count is kept in Redis, so a caller spreading dials over the
 * nodes gets no more than from one.
 */
@Component
class DialRateLimiter {

    private static final Logger log = LoggerFactory.getLogger(DialRateLimiter.class);

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final int perMinute;
    private final Clock clock;
    private final SharedRedis redis;

    DialRateLimiter(CallVaultProperties properties, Clock clock, ObjectProvider<SharedRedis> redis) {
        this.perMinute = properties.calls().dialsPerMinute();
        this.clock = clock;
        this.redis = redis.getIfAvailable();
    }

    boolean tryAcquire(String address) {
        long minute = clock.millis() / 60_000;
        if (redis != null) {
            return tryAcquireShared(address, minute);
        }
        Window window = windows.compute(address, (key, current) ->
                current == null || current.minute != minute ? new Window(minute, 1) : new Window(minute, current.count + 1));
        return window.count <= perMinute;
    }

    /** Fails closed: a dial that cannot be counted is refused as unavailable, not let through. */
    private boolean tryAcquireShared(String address, long minute) {
        try {
            return redis.incrementWithin("dials:" + address + ":" + minute, Duration.ofMinutes(2)) <= perMinute;
        }
        catch (RedisException e) {
            log.error("Dial refused: the dial limit is kept in Redis, which does not answer ({})", e.getMessage());
            throw new CallException(CallErrorCode.UNAVAILABLE, null, "The server cannot take calls now; call again shortly");
        }
    }

    @Scheduled(fixedDelay = 60_000)
    void forgetOldWindows() {
        long minute = clock.millis() / 60_000;
        windows.values().removeIf(w -> w.minute < minute);
    }

    private record Window(long minute, int count) {
    }
}
