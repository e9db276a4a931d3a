package org.callvault.security;

import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;

import org.callvault.system.SharedRedis;

/**
 * Every node's attempts in Redis: one sorted set per budget key (score: the attempt's time), checked
 * and counted by one Lua script, so two nodes cannot both let the last allowed attempt through.
 * Each set expires one window after its last attempt, so nothing needs purging.
 */
final class RedisAttemptStore implements AttemptStore {

    /** KEYS: the budgets' keys; ARGV: now, window, member, then each budget's limit. Returns {first full budget (1-based) or 0, retryAt}. */
    private static final String RESERVE = """
            local now = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            local retry = 0
            local exhausted = 0
            for i, key in ipairs(KEYS) do
              redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (now - window))
              if redis.call('ZCARD', key) >= tonumber(ARGV[3 + i]) then
                local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
                local at = tonumber(oldest[2]) + window
                if at > retry then retry = at end
                if exhausted == 0 then exhausted = i end
              end
            end
            if exhausted > 0 then return {exhausted, retry} end
            for i, key in ipairs(KEYS) do
              redis.call('ZADD', key, now, ARGV[3])
              redis.call('PEXPIRE', key, window)
            end
            return {0, 0}""";

    private static final String KEYS_UNDER = "sign-in-attempts:";

    private final SharedRedis redis;

    RedisAttemptStore(SharedRedis redis) {
        this.redis = redis;
    }

    @Override
    public Reservation reserve(List<Budget> budgets, long now, long windowMillis, String member) {
        List<String> args = new ArrayList<>(List.of(Long.toString(now), Long.toString(windowMillis), member));
        budgets.forEach(budget -> args.add(Integer.toString(budget.limit())));
        List<Long> result = redis.eval(RESERVE, ScriptOutputType.MULTI,
                budgets.stream().map(budget -> key(budget.key())).toList(), args.toArray(String[]::new));
        int exhausted = result.get(0).intValue();
        return exhausted == 0 ? new Reservation(null, 0) : new Reservation(budgets.get(exhausted - 1), result.get(1));
    }

    @Override
    public void release(List<String> keys, String member) {
        keys.forEach(key -> redis.commands().zrem(key(key), member));
    }

    @Override
    public void forget(String key) {
        redis.commands().del(key(key));
    }

    @Override
    public void clear() {
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs matching = ScanArgs.Builder.matches(redis.key(KEYS_UNDER) + "*").limit(500);
        do {
            var page = redis.commands().scan(cursor, matching);
            if (!page.getKeys().isEmpty()) {
                redis.commands().del(page.getKeys().toArray(String[]::new));
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    @Override
    public void purgeBefore(long cutoff) {
        // Each sorted set expires a window after its last attempt.
    }

    private String key(String budgetKey) {
        return redis.key(KEYS_UNDER + budgetKey);
    }
}
