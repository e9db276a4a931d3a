package org.callvault.security;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One node's attempts, in memory; every method is synchronized so a reservation is one step. */
final class LocalAttemptStore implements AttemptStore {

    /** Bounds memory when someone sprays random user names. */
    private static final int MAX_KEYS = 100_000;

    private final Map<String, Deque<Entry>> attempts = new HashMap<>();

    @Override
    public synchronized Reservation reserve(List<Budget> budgets, long now, long windowMillis, String member) {
        if (attempts.size() > MAX_KEYS) {
            purgeBefore(now - windowMillis);
        }
        long retryAt = 0;
        Budget exhausted = null;
        for (Budget budget : budgets) {
            Deque<Entry> times = recent(budget.key(), now - windowMillis);
            if (times.size() >= budget.limit()) {
                retryAt = Math.max(retryAt, times.peekFirst().at() + windowMillis);
                exhausted = exhausted == null ? budget : exhausted;
            }
        }
        if (exhausted != null) {
            return new Reservation(exhausted, retryAt);
        }
        for (Budget budget : budgets) {
            attempts.computeIfAbsent(budget.key(), k -> new ArrayDeque<>()).addLast(new Entry(now, member));
        }
        return new Reservation(null, 0);
    }

    @Override
    public synchronized void release(List<String> keys, String member) {
        for (String key : keys) {
            Deque<Entry> times = attempts.get(key);
            if (times != null) {
                times.removeIf(entry -> entry.member().equals(member));
            }
        }
    }

    @Override
    public synchronized void forget(String key) {
        attempts.remove(key);
    }

    @Override
    public synchronized void clear() {
        attempts.clear();
    }

    @Override
    public synchronized void purgeBefore(long cutoff) {
        attempts.values().forEach(times -> times.removeIf(entry -> entry.at() < cutoff));
        attempts.values().removeIf(Deque::isEmpty);
    }

    private Deque<Entry> recent(String key, long cutoff) {
        Deque<Entry> times = attempts.get(key);
        if (times == null) {
            return new ArrayDeque<>();
        }
        while (!times.isEmpty() && times.peekFirst().at() < cutoff) {
            times.removeFirst();
        }
        return times;
    }

    private record Entry(long at, String member) {
    }
}
