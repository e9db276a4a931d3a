package org.callvault.system;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything an operator can set under {@code callvault.*} (or as CALLVAULT_* environment
 * variables). Validated at start-up so a bad value stops the server with a clear message
 * instead of failing on the first call.
 */
@Validated
@ConfigurationProperties("callvault")
public record CallVaultProperties(
        @Valid @NotNull @DefaultValue Admin admin,
        @Valid @NotNull @DefaultValue Recordings recordings,
        @Valid @NotNull @DefaultValue Calls calls,
        @Valid @NotNull @DefaultValue Security security,
        @Valid @NotNull @DefaultValue Retention retention) {

    /**
     * @param days delete recordings older than this many days; 0 keeps them for ever (the default)
     * @param cron when the policy runs by itself (server time zone)
     */
    public record Retention(@Min(0) @DefaultValue("0") int days, @NotNull @DefaultValue("0 30 3 * * *") String cron) {

        public boolean enabled() {
            return days > 0;
        }
    }

    /**
     * @param password initial password for the {@code admin} account created at first start;
     *                 when unset the documented default {@code admin123} is used and must be
     *                 changed at first sign-in.
     */
    public record Admin(String password) {
    }

    /**
     * @param dir        folder that holds recordings (created when missing)
     * @param sampleRate canonical media rate in Hz, announced to browsers
     * @param frameMillis length of one media frame
     * @param channels   1 = both parties mixed, 2 = caller left, agent right
     */
    public record Recordings(
            @NotNull @DefaultValue("recordings") Path dir,
            @Min(8000) @Max(96000) @DefaultValue("44100") int sampleRate,
            @Min(10) @Max(60) @DefaultValue("20") int frameMillis,
            @Min(1) @Max(2) @DefaultValue("1") int channels) {
    }

    /**
     * @param ringTimeout       an unanswered call becomes MISSED after this
     * @param legGracePeriod    a leg whose socket dropped may come back within this
     * @param phoneRequiresLogin when true, /phone and its sockets need a signed-in user
     * @param dialsPerMinute    call attempts allowed per client address and minute
     */
    public record Calls(
            @NotNull @DefaultValue("30s") Duration ringTimeout,
            @NotNull @DefaultValue("5s") Duration legGracePeriod,
            @DefaultValue("false") boolean phoneRequiresLogin,
            @Min(1) @DefaultValue("20") int dialsPerMinute) {
    }

    /**
     * @param maxFailuresPerAccount failed sign-ins allowed per account within the window, from browsers
     *                              without a device cookie for it (every address together)
     * @param maxFailuresPerAddress failed sign-ins allowed per client address within the window, from
     *                              browsers without a device cookie
     * @param maxFailuresPerDevice  failed sign-ins allowed within the window to a browser that presents a
     *                              valid device cookie for the account (its own budget)
     * @param failureWindow         how long a failure counts
     * @param deviceCookieLifetime  how long a browser that signed in is recognised by its device cookie
     */
    public record Security(
            @Min(1) @DefaultValue("5") int maxFailuresPerAccount,
            @Min(1) @DefaultValue("20") int maxFailuresPerAddress,
            @Min(1) @DefaultValue("5") int maxFailuresPerDevice,
            @NotNull @DefaultValue("15m") Duration failureWindow,
            @NotNull @DefaultValue("90d") Duration deviceCookieLifetime) {
    }
}
