package org.callvault.security;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.callvault.system.CallVaultProperties;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Counts failed sign-ins per account and per client address in a sliding window. Past the limit,
 * sign-in is refused even with the right password until old failures age out, which makes
 * guessing a password slow without locking anyone out for good.
 */
@Component
public class LoginThrottle {

    /** Bounds memory when someone sprays random user names. */
    private static final int MAX_KEYS = 100_000;

    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();
    private final CallVaultProperties.Security limits;
    private final Clock clock;

    public LoginThrottle(CallVaultProperties properties, Clock clock) {
        this.limits = properties.security();
        this.clock = clock;
    }

    public boolean isBlocked(String username, String address) {
        return recentFailures(accountKey(username)) >= limits.maxFailuresPerAccount()
                || recentFailures(addressKey(address)) >= limits.maxFailuresPerAddress();
    }

    public void recordFailure(String username, String address) {
        if (failures.size() > MAX_KEYS) {
            purgeExpired();
        }
        long now = clock.millis();
        add(accountKey(username), now);
        add(addressKey(address), now);
    }

    public void recordSuccess(String username) {
        failures.remove(accountKey(username));
    }

    /** Seconds until the oldest counted failure expires; what the sign-in page tells the user. */
    public long retryAfterSeconds(String username, String address) {
        long window = limits.failureWindow().toMillis();
        long now = clock.millis();
        long oldest = Math.max(oldest(accountKey(username)), oldest(addressKey(address)));
        return Math.max(1, (oldest + window - now + 999) / 1000);
    }

    /** Forgets every failure; for operators (and tests) who must lift a throttle at once. */
    public void clear() {
        failures.clear();
    }

    @Scheduled(fixedDelay = 60_000)
    void purgeExpired() {
        long cutoff = clock.millis() - limits.failureWindow().toMillis();
        failures.entrySet().removeIf(entry -> {
            synchronized (entry.getValue()) {
                entry.getValue().removeIf(t -> t < cutoff);
                return entry.getValue().isEmpty();
            }
        });
    }

    private void add(String key, long now) {
        Deque<Long> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(now);
            // Only the most recent failures matter; keep a few more than the larger limit.
            while (times.size() > Math.max(limits.maxFailuresPerAccount(), limits.maxFailuresPerAddress()) + 1) {
                times.removeFirst();
            }
        }
    }

    private int recentFailures(String key) {
        Deque<Long> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        long cutoff = clock.millis() - limits.failureWindow().toMillis();
        synchronized (times) {
            times.removeIf(t -> t < cutoff);
            return times.size();
        }
    }

    private long oldest(String key) {
        Deque<Long> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            return times.isEmpty() ? 0 : times.peekFirst();
        }
    }

    private static String accountKey(String username) {
        return "u:" + (username == null ? "" : username.toLowerCase(Locale.ROOT));
    }

    private static String addressKey(String address) {
        return "a:" + address;
    }
}
