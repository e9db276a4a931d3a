package org.callvault.system;

import java.lang.management.ManagementFactory;
import java.util.Optional;

import com.sun.management.HotSpotDiagnosticMXBean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Warns at start-up when the JVM runs G1 with its default 200 ms pause target. G1 then grows the
 * young generation until a collection takes tens of milliseconds, and every live call's audio
 * waits for it: at 100 calls the default gave 16 to 66 ms pauses every 15 to 25 s, a 10 ms target
 * gave 2 to 3 ms (2 to 9 ms at 200 calls) at the same CPU (docs/BENCHMARKS.md, "Garbage collection"). {@code ./mvnw
 * spring-boot:run} sets the target; a server started with {@code java -jar} needs the flag.
 */
@Component
class GcPauseAdvice {

    static final long MAX_TARGET_MILLIS = 20;

    private static final Logger log = LoggerFactory.getLogger(GcPauseAdvice.class);

    @EventListener(ApplicationReadyEvent.class)
    void check() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (vm == null) {
            return;
        }
        boolean g1 = Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue());
        long target = Long.parseLong(vm.getVMOption("MaxGCPauseMillis").getValue());
        advice(g1, target).ifPresent(log::warn);
    }

    static Optional<String> advice(boolean g1, long pauseTargetMillis) {
        if (!g1 || pauseTargetMillis <= MAX_TARGET_MILLIS) {
            return Optional.empty();
        }
        return Optional.of("The JVM's G1 pause target is " + pauseTargetMillis + " ms: collections that long delay the audio"
                + " of every live call. Start the server with -XX:MaxGCPauseMillis=10 (see README, Running the jar).");
    }
}
