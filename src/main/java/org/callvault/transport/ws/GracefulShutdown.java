package org.callvault.transport.ws;

import java.time.Duration;

import org.callvault.call.CallService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * What SIGTERM does to live calls. First the node drains: Spring Boot has already turned readiness
 * to {@code REFUSING_TRAFFIC} (the reactive web context does that before any bean stops, so
 * {@code /actuator/health/readiness} answers 503 and the balancer takes the node out), new dials
 * are refused with {@code server_draining} (SIP: 503 with Retry-After), and live calls go on, with
 * their sockets and recordings, until they end or {@link ShutdownProperties#drainTimeout()} passes.
 * Then each call still live ends with {@code server_shutdown}, both parties get that final
 * {@code call} event, every socket is closed with 1001, and the recordings are finalized (their
 * files by the recorder, their rows by the database writer, both when their beans stop).
 * Runs before the web server's graceful shutdown (a higher phase stops first), so the web server
 * serves the live calls and the health probe while they drain, and by its turn no socket is left
 * for it to wait on. The drain wait is this bean's own, not Spring's
 * {@code timeout-per-shutdown-phase}: that one applies to every phase and stays short.
 */
@Component
class GracefulShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);
    /** Long enough for the final events to reach any client that reads; short enough to exit within 5 s. */
    static final Duration SOCKETS_CLOSE_TIMEOUT = Duration.ofMillis(1500);

    private final CallService calls;
    private final OpenSockets sockets;
    private final Duration drainTimeout;
    private volatile boolean running;

    GracefulShutdown(CallService calls, OpenSockets sockets, ShutdownProperties properties) {
        this.calls = calls;
        this.sockets = sockets;
        this.drainTimeout = properties.drainTimeout();
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        try {
            drain();
            int liveCalls = calls.liveCallCount();
            calls.endAllForShutdown();
            sockets.closeAll();
            if (!sockets.awaitAllClosed(SOCKETS_CLOSE_TIMEOUT)) {
                log.warn("Stopping with {} sockets still open after {} ms", sockets.count(),
                        SOCKETS_CLOSE_TIMEOUT.toMillis());
            }
            log.info("Shutdown: {} live calls ended (server_shutdown), sockets closed", liveCalls);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            calls.endAllForShutdown();
            sockets.closeAll();
        }
        running = false;
    }

    private void drain() throws InterruptedException {
        calls.startDraining();
        int live = calls.liveCallCount();
        if (live == 0 || drainTimeout.isZero()) {
            return;
        }
        log.info("Draining: no new calls; {} live calls may finish within {} s", live, drainTimeout.toSeconds());
        long start = System.nanoTime();
        boolean drained = calls.awaitNoLiveCalls(drainTimeout);
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (drained) {
            log.info("Draining: every live call finished in {} ms", ms);
        }
        else {
            log.warn("Draining: {} calls still live after {} ms; ending them", calls.liveCallCount(), ms);
        }
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
