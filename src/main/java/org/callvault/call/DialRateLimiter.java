package org.callvault.call;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
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
 * Call attempts per client address in a sliding minute; the phone page is public. A sliding log,
 * not fixed windows: fixed minutes let twice the limit through across a minute's edge. With several
 * nodes (Redis configured) the log is kept in Redis, so a caller spreading dials over the nodes
 * gets no more than from one.
 */
@Component
class DialRateLimiter {

    private static final Logger log = LoggerFactory.getLogger(DialRateLimiter.class);

    private static final Duration WINDOW = Duration.ofMinutes(1);

    /** Per address, the times of its dials within the last minute, oldest first (at most the limit). */
    private final Map<String, Deque<Long>> recentDials = new ConcurrentHashMap<>();
    private final int perMinute;
    private final Clock clock;
    private final SharedRedis redis;

    DialRateLimiter(CallVaultProperties properties, Clock clock, ObjectProvider<SharedRedis> redis) {
        this.perMinute = properties.calls().dialsPerMinute();
        this.clock = clock;
        this.redis = redis.getIfAvailable();
    }

    boolean tryAcquire(String address) {
        long now = clock.millis();
        if (redis != null) {
            return tryAcquireShared(address, now);
        }
        boolean[] allowed = new boolean[1];
        recentDials.compute(address, (key, dials) -> {
            Deque<Long> log = dials == null ? new ArrayDeque<>() : dials;
            forgetBefore(log, now - WINDOW.toMillis());
            allowed[0] = log.size() < perMinute;
            if (allowed[0]) {
                log.addLast(now);
            }
            return log;
        });
        return allowed[0];
    }

    /** Fails closed: a dial that cannot be counted is refused as unavailable, not let through. */
    private boolean tryAcquireShared(String address, long now) {
        try {
            return redis.tryAcquireInWindow("dials:" + address, now, WINDOW, perMinute);
        }
        catch (RedisException e) {
            log.error("Dial refused: the dial limit is kept in Redis, which does not answer ({})", e.getMessage());
            throw new CallException(CallErrorCode.UNAVAILABLE, null, "The server cannot take calls now; call again shortly");
        }
    }

    /** Addresses with no dial in the last minute are forgotten, so the map holds only recent callers. */
    @Scheduled(fixedDelay = 60_000)
    void forgetIdleAddresses() {
        long cutoff = clock.millis() - WINDOW.toMillis();
        recentDials.keySet().forEach(address -> recentDials.computeIfPresent(address, (key, log) -> {
            forgetBefore(log, cutoff);
            return log.isEmpty() ? null : log;
        }));
    }

    int trackedAddresses() {
        return recentDials.size();
    }

    private static void forgetBefore(Deque<Long> log, long cutoff) {
        while (!log.isEmpty() && log.peekFirst() <= cutoff) {
            log.removeFirst();
        }
    }
}
