package org.callvault.transport.ws;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a stopping node drains (docs/ARCHITECTURE.md, "Draining").
 *
 * @param drainTimeout how long SIGTERM lets live calls finish on their own (new dials are refused
 *                     with {@code server_draining} meanwhile) before the rest end with
 *                     {@code server_shutdown}; 0 ends them at once. 25 s, so that with the 2 s
 *                     web-server phase after it the process is gone within Kubernetes' default 30 s
 *                     grace period; a container runtime must allow at least this plus 5 s
 *                     ({@code docker stop -t 30})
 */
@Validated
@ConfigurationProperties("callvault.shutdown")
public record ShutdownProperties(@NotNull @DefaultValue("25s") Duration drainTimeout) {

    public ShutdownProperties {
        if (drainTimeout != null && (drainTimeout.isNegative() || drainTimeout.compareTo(Duration.ofHours(1)) > 0)) {
            throw new IllegalArgumentException("callvault.shutdown.drain-timeout must be between 0 and 1h, not "
                    + drainTimeout);
        }
    }
}
