package org.callvault.transport.ws;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.callvault.call.ClusterEvents;
import org.callvault.call.ClusterMessage;
import org.callvault.user.AccountRightsChanged;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;

/**
 * The open sockets of each signed-in user: their event sockets, and the media sockets of the legs
 * they were given media tokens for. When the account changes (disabled, role, password) they are
 * all closed with {@link #SIGNED_OUT}, as the account's web sessions end on their next request.
 */
@Component
class AccountSockets {

    /** docs/protocol.md: the socket's user was signed out because the account changed. */
    static final CloseStatus SIGNED_OUT = new CloseStatus(4401, "signed out: account changed");

    /** Media tokens of answered calls whose socket never opened are forgotten oldest first. */
    private static final int MAX_TOKENS = 10_000;

    private final Map<String, Set<WebSocketSession>> byUser = new ConcurrentHashMap<>();
    private final ClusterEvents cluster;
    private final Map<String, String> tokenUsers = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_TOKENS;
        }
    };

    AccountSockets(ClusterEvents cluster) {
        this.cluster = cluster;
        // Several nodes: a change made on another node closes this node's sockets of the user too.
        cluster.subscribe(message -> {
            if ("signout".equals(message.type())) {
                closeAll(message.user());
            }
        });
    }

    void opened(String user, WebSocketSession socket) {
        if (user != null) {
            byUser.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(socket);
        }
    }

    void closed(String user, WebSocketSession socket) {
        if (user != null) {
            byUser.computeIfPresent(user, (u, sockets) -> {
                sockets.remove(socket);
                return sockets.isEmpty() ? null : sockets;
            });
        }
    }

    /** A media token went to this user's console: its media socket belongs to the user too. */
    void mediaTokenIssued(String token, String user) {
        if (user != null) {
            synchronized (tokenUsers) {
                tokenUsers.put(token, user);
            }
        }
    }

    /** The user a media token was issued to, or null (a caller's leg). Kept: a leg may reconnect. */
    String userOfMediaToken(String token) {
        synchronized (tokenUsers) {
            return tokenUsers.get(token);
        }
    }

    @TransactionalEventListener(fallbackExecution = true)
    void onRightsChanged(AccountRightsChanged event) {
        closeAll(event.username());
        cluster.publish(ClusterMessage.signOut(cluster.nodeId(), event.username()));
    }

    private void closeAll(String user) {
        Set<WebSocketSession> sockets = byUser.remove(user);
        if (sockets != null) {
            sockets.forEach(socket -> socket.close(SIGNED_OUT).subscribe());
        }
    }
}
