package org.callvault.security;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.callvault.user.AccountRightsChanged;
import org.callvault.user.UserRepository;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The current rights version of each account that has a session, so that checking a session costs
 * a map look-up rather than a query. An entry is dropped when {@link AccountRightsChanged} is
 * committed; a load that started before the drop is not cached (it may have read the old row).
 */
@Component
class RightsVersions {

    /** An account that no longer exists: no session version equals it. */
    static final long GONE = -1;

    private final UserRepository users;
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    private long invalidations;

    RightsVersions(UserRepository users) {
        this.users = users;
    }

    /** The cached version; empty when it must be loaded (off the event loop) with {@link #load}. */
    Optional<Long> cached(String username) {
        return Optional.ofNullable(versions.get(username));
    }

    /** Reads the version from the database (blocking). */
    long load(String username) {
        long seen;
        synchronized (this) {
            seen = invalidations;
        }
        long version = users.rightsVersion(username).orElse(GONE);
        synchronized (this) {
            if (seen == invalidations) {
                versions.put(username, version);
            }
        }
        return version;
    }

    @TransactionalEventListener(fallbackExecution = true)
    void onRightsChanged(AccountRightsChanged event) {
        synchronized (this) {
            invalidations++;
            versions.remove(event.username());
        }
    }
}
