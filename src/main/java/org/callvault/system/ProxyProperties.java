package org.callvault.system;

import java.util.List;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param trustedProxies addresses or CIDR ranges of the reverse proxies in front of CallVault
 *                       ({@code CALLVAULT_TRUSTED_PROXIES}); only their X-Forwarded-* headers are
 *                       believed. Default: loopback, where a proxy on the same machine connects from.
 */
@Validated
@ConfigurationProperties("callvault.proxy")
public record ProxyProperties(@NotNull @DefaultValue({ "127.0.0.0/8", "::1/128" }) List<String> trustedProxies) {
}
