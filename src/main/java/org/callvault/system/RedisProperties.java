package org.callvault.system;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Several nodes (docs/ARCHITECTURE.md, "Several nodes"): the Redis that holds what every node must
 * see alike (sign-in sessions, sign-in throttles, dial limits, account rights versions).
 *
 * @param url       {@code redis://[user:password@]host:port[/db]} or {@code rediss://...}; empty (the
 *                  default): one node, everything in memory, no Redis connection is ever made
 * @param keyPrefix put before every key this server writes, so several CallVaults (or tests) can share
 *                  one Redis
 */
@Validated
@ConfigurationProperties("callvault.redis")
public record RedisProperties(
        @Pattern(regexp = "(rediss?://.+)?", message = "must be empty or a redis:// or rediss:// URL") @DefaultValue("") String url,
        @NotBlank @DefaultValue("callvault:") String keyPrefix) {

    public boolean configured() {
        return url != null && !url.isBlank();
    }
}
