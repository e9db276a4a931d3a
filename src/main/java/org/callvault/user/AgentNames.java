package org.callvault.user;

import java.util.Map;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The name to show people for an agent's user name, as stored on calls and offers. Held in memory
 * (accounts are few) so that pages, the API and the console's event loop never query for it; an
 * account without a display name, or one that was deleted, is shown by its user name, which is
 * what its calls keep.
 */
@Component
public class AgentNames {

    private final UserRepository users;
    private volatile Map<String, String> names;

    AgentNames(UserRepository users) {
        this.users = users;
    }

    /** The display name for {@code username}; the user name itself when none; null for null. */
    public String of(String username) {
        if (username == null) {
            return null;
        }
        Map<String, String> current = names;
        if (current == null) {
            current = reload();
        }
        return current.getOrDefault(username, username);
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        reload();
    }

    @TransactionalEventListener(fallbackExecution = true)
    void onChanged(DisplayNameChanged event) {
        reload();
    }

    /** A rename on another node reaches only that node's cache: the others catch up within a minute. */
    @Scheduled(fixedDelay = 60_000, initialDelay = 60_000)
    void refresh() {
        reload();
    }

    private synchronized Map<String, String> reload() {
        Map<String, String> loaded = users.displayNames();
        names = loaded;
        return loaded;
    }
}
