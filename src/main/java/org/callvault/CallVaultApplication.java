package org.callvault;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

import org.callvault.system.TrainingStart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class CallVaultApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(CallVaultApplication.class);
        // -Dcallvault.startup.steps=N logs the N slowest start-up steps (docs/BENCHMARKS.md, Start-up):
        // how the slow beans were found; off by default, since recording every step costs memory.
        int steps = Integer.getInteger("callvault.startup.steps", 0);
        BufferingApplicationStartup startup = steps > 0 ? new BufferingApplicationStartup(20_000) : null;
        if (startup != null) {
            application.setApplicationStartup(startup);
        }
        ConfigurableApplicationContext context = application.run(args);
        if (startup != null) {
            logSlowestSteps(startup.getBufferedTimeline(), steps);
        }
        // scripts/build-fast-start.sh's training start: once ready, stop as SIGTERM would, so the
        // JVM writes its AOT cache or CDS archive at exit. Ready, not merely refreshed (Spring's
        // spring.context.exit=onRefresh): the cache then also holds what the lifecycle phase and the
        // ready runners load (Netty's start, the SIP stack, libopus; 1,580 classes otherwise read
        // from the jars at every start: docs/BENCHMARKS.md, "Fast start: training to readiness").
        if (TrainingStart.running()) {
            System.exit(SpringApplication.exit(context));
        }
    }

    /** Each step's own time (its children's taken off), slowest first: a bean that is slow itself. */
    private static void logSlowestSteps(StartupTimeline timeline, int steps) {
        Logger log = LoggerFactory.getLogger(CallVaultApplication.class);
        Map<Long, Long> childNanos = new HashMap<>();
        for (StartupTimeline.TimelineEvent event : timeline.getEvents()) {
            Long parent = event.getStartupStep().getParentId();
            if (parent != null) {
                childNanos.merge(parent, event.getDuration().toNanos(), Long::sum);
            }
        }
        ToLongFunction<StartupTimeline.TimelineEvent> own = event -> event.getDuration().toNanos()
                - childNanos.getOrDefault(event.getStartupStep().getId(), 0L);
        timeline.getEvents().stream()
                .sorted(Comparator.comparingLong(own).reversed())
                .limit(steps)
                .forEach(event -> {
                    StringBuilder tags = new StringBuilder();
                    event.getStartupStep().getTags().forEach(tag -> tags.append(' ').append(tag.getKey())
                            .append('=').append(tag.getValue()));
                    log.info("Start-up step {} ms own ({} ms in all): {}{}", own.applyAsLong(event) / 1_000_000,
                            event.getDuration().toMillis(), event.getStartupStep().getName(), tags);
                });
    }
}
