package org.callvault.security;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.SetArgs;

import org.callvault.system.SharedRedis;
import org.callvault.user.AccountRightsChanged;
import org.callvault.user.UserRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The current rights version of each account that has a session, so that checking a session costs
 * a look-up rather than a query. The version itself lives in the users table (shared by every node).
 * <p>
 * One node: a map in memory. An entry is dropped when {@link AccountRightsChanged} is committed; a
 * load that started before the drop is not cached (it may have read the old row).
 * <p>
 * Several nodes (Redis configured): the cache is in Redis, so a change made on one node is seen by
 * the next request on every node. The node that made the change writes the new version (read after
 * the commit); a node that missed the cache adds what it read only if the key is still absent
 * (SET NX), so a read that raced with the change can never overwrite the newer version.
 */
@Component
class RightsVersions {

    /** An account that no longer exists: no session version equals it. */
    static final long GONE = -1;

    /** Bounds the keys of accounts that stopped signing in; a change always rewrites its key. */
    private static final Duration SHARED_LIFETIME = Duration.ofMinutes(10);

    private final UserRepository users;
    private final SharedRedis redis;
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    private long invalidations;

    RightsVersions(UserRepository users, ObjectProvider<SharedRedis> redis) {
        this.users = users;
        this.redis = redis.getIfAvailable();
    }

    /** The cached version; empty when it must be loaded (off the event loop) with {@link #load}. */
    Optional<Long> cached(String username) {
        // In Redis, the look-up itself is a round trip: it happens in load, off the event loop.
        return redis != null ? Optional.empty() : Optional.ofNullable(versions.get(username));
    }

    /** Reads the version from the cache shared by the nodes, or from the database (blocking). */
    long load(String username) {
        if (redis != null) {
            return loadShared(username);
        }
        long seen;
        synchronized (this) {
            seen = invalidations;
        }
        long version = fromDatabase(username);
        synchronized (this) {
            if (seen == invalidations) {
                versions.put(username, version);
            }
        }
        return version;
    }

    private long loadShared(String username) {
        String key = redis.key("rights-version:" + username);
        String cachedVersion = redis.commands().get(key);
        if (cachedVersion != null) {
            return Long.parseLong(cachedVersion);
        }
        long version = fromDatabase(username);
        redis.commands().set(key, Long.toString(version), SetArgs.Builder.nx().px(SHARED_LIFETIME.toMillis()));
        return version;
    }

    @TransactionalEventListener(fallbackExecution = true)
    void onRightsChanged(AccountRightsChanged event) {
        if (redis != null) {
            redis.commands().set(redis.key("rights-version:" + event.username()),
                    Long.toString(fromDatabase(event.username())), SetArgs.Builder.px(SHARED_LIFETIME.toMillis()));
            return;
        }
        synchronized (this) {
            invalidations++;
            versions.remove(event.username());
        }
    }

    private long fromDatabase(String username) {
        return users.rightsVersion(username).orElse(GONE);
    }
}
