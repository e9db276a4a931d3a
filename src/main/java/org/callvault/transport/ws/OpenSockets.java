package org.callvault.transport.ws;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * Every open event and media socket, so that a stopping server can close each one itself (1001,
 * after the messages queued for it) and wait until they are gone, rather than leave them to the web
 * server's graceful shutdown, which waited 20 s for sockets that never close and then cut them (1006).
 */
@Component
class OpenSockets {

    static final CloseStatus SHUTDOWN = CloseStatus.GOING_AWAY.withReason("server shutting down");

    private final Set<EventSession> events = ConcurrentHashMap.newKeySet();
    private final Set<WebSocketFrameSink> media = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    void opened(EventSession session) {
        events.add(session);
        if (closing) {
            session.closeAfterSending(SHUTDOWN); // opened while the server was closing the others
        }
    }

    void opened(WebSocketFrameSink sink) {
        media.add(sink);
        if (closing) {
            sink.closeNow(SHUTDOWN);
        }
    }

    void closed(EventSession session) {
        events.remove(session);
        signalIfEmpty();
    }

    void closed(WebSocketFrameSink sink) {
        media.remove(sink);
        signalIfEmpty();
    }

    /** Closes every socket with 1001; an event socket first sends what is queued for it (the final call events). */
    void closeAll() {
        closing = true;
        events.forEach(session -> session.closeAfterSending(SHUTDOWN));
        media.forEach(sink -> sink.closeForShutdown(SHUTDOWN));
    }

    /** Waits until every socket has closed, at most {@code max}; returns whether they all did. */
    synchronized boolean awaitAllClosed(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        long left;
        while (!(events.isEmpty() && media.isEmpty()) && (left = deadline - System.nanoTime()) > 0) {
            wait(Math.max(1, left / 1_000_000));
        }
        return events.isEmpty() && media.isEmpty();
    }

    int count() {
        return events.size() + media.size();
    }

    private synchronized void signalIfEmpty() {
        if (events.isEmpty() && media.isEmpty()) {
            notifyAll();
        }
    }
}
