package org.callvault.security;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.lettuce.core.RedisException;

import org.callvault.security.AttemptStore.Budget;

import org.callvault.system.CallVaultProperties;
import org.callvault.system.SharedRedis;
import org.callvault.user.UserNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
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
 * a successful sign-in gives its reservation back. With several nodes the attempts are counted in
 * Redis ({@link RedisAttemptStore}), so a guesser spreading attempts over the nodes gets no more.
 */
@Component
public class LoginThrottle {

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

    private final AttemptStore attempts;
    /** When each locked key was last reported to the audit log, and what was refused since (per node). */
    private final Map<String, long[]> reported = new HashMap<>();
    private final CallVaultProperties.Security limits;
    private final Clock clock;
    private final Counter throttled;

    /** One node, attempts in memory. */
    public LoginThrottle(CallVaultProperties properties, Clock clock, MeterRegistry meters) {
        this(properties, clock, meters, new LocalAttemptStore());
    }

    /** Attempts in Redis when it is configured (several nodes count together), else in memory. */
    @Autowired
    LoginThrottle(CallVaultProperties properties, Clock clock, MeterRegistry meters, ObjectProvider<SharedRedis> redis) {
        this(properties, clock, meters, redis.getIfAvailable() == null ? new LocalAttemptStore()
                : new RedisAttemptStore(redis.getIfAvailable()));
    }

    LoginThrottle(CallVaultProperties properties, Clock clock, MeterRegistry meters, AttemptStore attempts) {
        this.limits = properties.security();
        this.clock = clock;
        this.attempts = attempts;
        this.throttled = Counter.builder("callvault.signin.throttled")
                .description("Sign-in attempts refused before the password was checked (too many failures)")
                .register(meters);
    }

    /**
     * An attempt to sign in as this user from this address, with the id of the valid device cookie
     * the browser presented for that user (null if none). Either counted, or refused with how long
     * to wait. Fails closed: when the attempts cannot be counted (Redis does not answer) the attempt
     * is refused with {@link Attempt#unavailable()}.
     */
    public Attempt reserve(String typedUsername, String address, String deviceId) {
        long now = clock.millis();
        List<Budget> budgets = deviceId != null
                ? List.of(new Budget("d:" + deviceId, limits.maxFailuresPerDevice()))
                : List.of(new Budget("u:" + UserNames.canonical(typedUsername), limits.maxFailuresPerAccount()),
                        new Budget("a:" + address, limits.maxFailuresPerAddress()));
        String member = now + ":" + UUID.randomUUID();
        AttemptStore.Reservation reservation;
        try {
            reservation = attempts.reserve(budgets, now, limits.failureWindow().toMillis(), member);
        }
        catch (RedisException e) {
            log.error("Sign-in refused: sign-in attempts are counted in Redis, which does not answer ({})", e.getMessage());
            return Attempt.UNAVAILABLE;
        }
        if (!reservation.counted()) {
            long retryAfter = Math.max(1, (reservation.retryAt() - now + 999) / 1000);
            throttled.increment();
            return Attempt.refused(retryAfter, refusalToReport(reservation.exhausted().key(), now));
        }
        return Attempt.counted(budgets.stream().map(Budget::key).toList(), member, deviceId);
    }

    /** The password was right: the attempt is not a failure, and the device starts afresh. */
    public void succeeded(Attempt attempt) {
        if (attempt == null || !attempt.allowed()) {
            return;
        }
        attempts.release(attempt.keys(), attempt.member());
        if (attempt.deviceId() != null) {
            attempts.forget("d:" + attempt.deviceId());
        }
    }

    /** Forgets every attempt; for operators (and tests) who must lift a throttle at once. */
    public void clear() {
        attempts.clear();
        synchronized (reported) {
            reported.clear();
        }
    }

    @Scheduled(fixedDelay = 60_000)
    void purgeExpired() {
        long cutoff = clock.millis() - limits.failureWindow().toMillis();
        attempts.purgeBefore(cutoff);
        synchronized (reported) {
            reported.values().removeIf(report -> report[0] < cutoff);
        }
    }

    /**
     * One audit row per locked key and window, not one per refused request (a script makes
     * thousands): returns how many were refused since the last row, or 0 when none is due.
     */
    private long refusalToReport(String key, long now) {
        synchronized (reported) {
            return refusalToReportLocked(key, now);
        }
    }

    private long refusalToReportLocked(String key, long now) {
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

    /**
     * One sign-in attempt's place in the throttle.
     *
     * @param allowed           whether the password may be checked
     * @param retryAfterSeconds when refused: seconds until the budget frees a slot
     * @param refusedToReport   when refused: how many refusals the audit log should be told of now
     *                          (0: already reported in this window)
     */
    public record Attempt(boolean allowed, long retryAfterSeconds, long refusedToReport, List<String> keys, String member,
            String deviceId) {

        /** Refused because the attempts cannot be counted now (the shared store does not answer). */
        static final Attempt UNAVAILABLE = new Attempt(false, 0, 0, List.of(), null, null);

        static Attempt refused(long retryAfterSeconds, long refusedToReport) {
            return new Attempt(false, retryAfterSeconds, refusedToReport, List.of(), null, null);
        }

        static Attempt counted(List<String> keys, String member, String deviceId) {
            return new Attempt(true, 0, 0, keys, member, deviceId);
        }

        /** Whether the refusal is because sign-in cannot be counted now, rather than too many failures. */
        public boolean unavailable() {
            return this == UNAVAILABLE;
        }

        /** Whether the browser was recognised by its device cookie. */
        public boolean trustedDevice() {
            return deviceId != null;
        }
    }
}
