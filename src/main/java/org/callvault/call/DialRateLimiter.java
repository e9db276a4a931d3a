package org.callvault.call;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.callvault.system.CallVaultProperties;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Call attempts per client address in fixed one-minute windows; the phone page is public. */
@Component
class DialRateLimiter {

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final int perMinute;
    private final Clock clock;

    DialRateLimiter(CallVaultProperties properties, Clock clock) {
        this.perMinute = properties.calls().dialsPerMinute();
        this.clock = clock;
    }

    boolean tryAcquire(String address) {
        long minute = clock.millis() / 60_000;
        Window window = windows.compute(address, (key, current) ->
                current == null || current.minute != minute ? new Window(minute, 1) : new Window(minute, current.count + 1));
        return window.count <= perMinute;
    }

    @Scheduled(fixedDelay = 60_000)
    void forgetOldWindows() {
        long minute = clock.millis() / 60_000;
        windows.values().removeIf(w -> w.minute < minute);
    }

    private record Window(long minute, int count) {
    }
}
