package org.callvault.security;

import java.util.List;

/**
 * Where {@link LoginThrottle} keeps the recent attempts of each budget key: this node's memory
 * ({@link LocalAttemptStore}), or Redis when several nodes must count together
 * ({@link RedisAttemptStore}).
 */
interface AttemptStore {

    /**
     * Counts {@code member} at {@code now} under every budget's key, unless one of them already holds
     * its limit of attempts within the window; then nothing is counted.
     */
    Reservation reserve(List<Budget> budgets, long now, long windowMillis, String member);

    /** Takes a counted attempt back (the password was right). */
    void release(List<String> keys, String member);

    /** Forgets every attempt under this key. */
    void forget(String key);

    /** Forgets every attempt under every key. */
    void clear();

    /** Drops attempts older than {@code cutoff} (a store whose entries expire by themselves may ignore it). */
    void purgeBefore(long cutoff);

    record Budget(String key, int limit) {
    }

    /**
     * @param exhausted the first budget that was full (null: the attempt was counted)
     * @param retryAt   when full: epoch millis at which every full budget has a free slot again
     */
    record Reservation(Budget exhausted, long retryAt) {

        boolean counted() {
            return exhausted == null;
        }
    }
}
