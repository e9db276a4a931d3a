package org.callvault.transport.ws;

import java.time.Duration;

import org.callvault.call.CallService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * What SIGTERM does to live calls: each ends with {@code server_shutdown}, both parties get that
 * final {@code call} event, every socket is closed with 1001, and the recordings are finalized
 * (their files by the recorder, their rows by the database writer, both when their beans stop).
 * Runs before the web server's graceful shutdown (a higher phase stops first), so that by then no
 * socket is left for it to wait on, and the server exits within a few seconds.
 */
@Component
class GracefulShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);
    /** Long enough for the final events to reach any client that reads; short enough to exit within 5 s. */
    static final Duration SOCKETS_CLOSE_TIMEOUT = Duration.ofMillis(1500);

    private final CallService calls;
    private final OpenSockets sockets;
    private volatile boolean running;

    GracefulShutdown(CallService calls, OpenSockets sockets) {
        this.calls = calls;
        this.sockets = sockets;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        int liveCalls = calls.liveCallCount();
        calls.endAllForShutdown();
        sockets.closeAll();
        try {
            if (!sockets.awaitAllClosed(SOCKETS_CLOSE_TIMEOUT)) {
                log.warn("Stopping with {} sockets still open after {} ms", sockets.count(),
                        SOCKETS_CLOSE_TIMEOUT.toMillis());
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Shutdown: {} live calls ended (server_shutdown), sockets closed", liveCalls);
        running = false;
    }

    /**
     * Not stopped when a context is merely paused (Spring pauses idle cached contexts in tests, and
     * restarts them later): ending every call and refusing new dials is for the process's end only.
     */
    @Override
    public boolean isPauseable() {
        return false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 1;
    }
}
