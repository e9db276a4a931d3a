package org.callvault.security;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.callvault.system.CallVaultProperties;
import org.callvault.user.UserNames;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts sign-in attempts in a sliding window, following OWASP's device-cookie scheme:
 * <ul>
 * <li>a browser that presents a valid device cookie for the account (it signed in as that user
 * before) spends its own budget, so strangers guessing the password cannot lock it out;</li>
 * <li>every other attempt spends the account's shared "untrusted" budget and its address's budget,
 * so guessing stays bounded per account whatever the number of addresses.</li>
 * </ul>
 * An attempt is {@link #reserve reserved} (counted as a failure) atomically <em>before</em> the
 * password is checked, so simultaneous guesses cannot all pass the test and be counted afterwards;
 * a successful sign-in gives its reservation back.
 */
@Component
public class LoginThrottle {

    /** Bounds memory when someone sprays random user names. */
    private static final int MAX_KEYS = 100_000;

    /** Guarded by {@code this}: reserving checks and counts several keys as one step. */
    private final Map<String, Deque<Long>> attempts = new HashMap<>();
    /** When each locked key was last reported to the audit log, and what was refused since. */
    private final Map<String, long[]> reported = new HashMap<>();
    private final CallVaultProperties.Security limits;
    private final Clock clock;
    private final Counter throttled;

    public LoginThrottle(CallVaultProperties properties, Clock clock, MeterRegistry meters) {
        this.limits = properties.security();
        this.clock = clock;
        this.throttled = Counter.builder("callvault.signin.throttled")
                .description("Sign-in attempts refused before the password was checked (too many failures)")
                .register(meters);
    }

    /**
     * An attempt to sign in as this user from this address, with the id of the valid device cookie
     * the browser presented for that user (null if none). Either counted, or refused with how long
     * to wait.
     */
    public synchronized Attempt reserve(String typedUsername, String address, String deviceId) {
        long now = clock.millis();
        if (attempts.size() > MAX_KEYS) {
            purgeExpired();
        }
        List<Budget> budgets = deviceId != null
                ? List.of(new Budget("d:" + deviceId, limits.maxFailuresPerDevice()))
                : List.of(new Budget("u:" + UserNames.canonical(typedUsername), limits.maxFailuresPerAccount()),
                        new Budget("a:" + address, limits.maxFailuresPerAddress()));
        long retryAt = 0;
        Budget exhausted = null;
        for (Budget budget : budgets) {
            Deque<Long> times = recent(budget.key(), now);
            if (times.size() >= budget.limit()) {
                retryAt = Math.max(retryAt, times.peekFirst() + limits.failureWindow().toMillis());
                exhausted = exhausted == null ? budget : exhausted;
            }
        }
        if (exhausted != null) {
            long retryAfter = Math.max(1, (retryAt - now + 999) / 1000);
            throttled.increment();
            return Attempt.refused(retryAfter, refusalToReport(exhausted.key(), now));
        }
        List<String> keys = budgets.stream().map(Budget::key).toList();
        for (String key : keys) {
            attempts.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(now);
        }
        return Attempt.counted(keys, now, deviceId);
    }

    /** The password was right: the attempt is not a failure, and the device starts afresh. */
    public synchronized void succeeded(Attempt attempt) {
        if (attempt == null || !attempt.allowed()) {
            return;
        }
        for (String key : attempt.keys()) {
            Deque<Long> times = attempts.get(key);
            if (times != null) {
                times.removeFirstOccurrence(attempt.at());
            }
        }
        if (attempt.deviceId() != null) {
            attempts.remove("d:" + attempt.deviceId());
        }
    }

    /** Forgets every attempt; for operators (and tests) who must lift a throttle at once. */
    public synchronized void clear() {
        attempts.clear();
        reported.clear();
    }

    @Scheduled(fixedDelay = 60_000)
    synchronized void purgeExpired() {
        long cutoff = clock.millis() - limits.failureWindow().toMillis();
        attempts.values().forEach(times -> times.removeIf(t -> t < cutoff));
        attempts.values().removeIf(Deque::isEmpty);
        reported.values().removeIf(report -> report[0] < cutoff);
    }

    private Deque<Long> recent(String key, long now) {
        Deque<Long> times = attempts.get(key);
        if (times == null) {
            return new ArrayDeque<>();
        }
        long cutoff = now - limits.failureWindow().toMillis();
        while (!times.isEmpty() && times.peekFirst() < cutoff) {
            times.removeFirst();
        }
        return times;
    }

    /**
     * One audit row per locked key and window, not one per refused request (a script makes
     * thousands): returns how many were refused since the last row, or 0 when none is due.
     */
    private long refusalToReport(String key, long now) {
        long[] report = reported.computeIfAbsent(key, k -> new long[] { Long.MIN_VALUE / 2, 0 });
        report[1]++;
        if (now - report[0] < limits.failureWindow().toMillis()) {
            return 0;
        }
        long refused = report[1];
        report[0] = now;
        report[1] = 0;
        return refused;
    }

    private record Budget(String key, int limit) {
    }

    /**
     * One sign-in attempt's place in the throttle.
     *
     * @param allowed           whether the password may be checked
     * @param retryAfterSeconds when refused: seconds until the budget frees a slot
     * @param refusedToReport   when refused: how many refusals the audit log should be told of now
     *                          (0: already reported in this window)
     */
    public record Attempt(boolean allowed, long retryAfterSeconds, long refusedToReport, List<String> keys, long at,
            String deviceId) {

        static Attempt refused(long retryAfterSeconds, long refusedToReport) {
            return new Attempt(false, retryAfterSeconds, refusedToReport, List.of(), 0, null);
        }

        static Attempt counted(List<String> keys, long at, String deviceId) {
            return new Attempt(true, 0, 0, keys, at, deviceId);
        }

        /** Whether the browser was recognised by its device cookie. */
        public boolean trustedDevice() {
            return deviceId != null;
        }
    }
}
