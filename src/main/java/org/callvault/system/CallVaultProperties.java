package org.callvault.system;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
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
     * @param minFreeSpace below this much usable space in the recordings folder no recording file
     *                   is opened (a call's recording waits, partial, until space returns) and
     *                   health reports OUT_OF_SERVICE
     * @param allowOrphans start even though the recordings folder holds recordings and the
     *                   database has none (a lost or replaced database); off by default, since
     *                   that start would leave every recording unlisted
     */
    public record Recordings(
            @NotNull @DefaultValue("recordings") Path dir,
            @Min(8000) @Max(96000) @DefaultValue("44100") int sampleRate,
            @Min(10) @Max(60) @DefaultValue("20") int frameMillis,
            @Min(1) @Max(2) @DefaultValue("1") int channels,
            @NotNull @DefaultValue("1GB") DataSize minFreeSpace,
            @DefaultValue("false") boolean allowOrphans) {
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
     * @param maxFailuresPerAccount failed sign-ins allowed per account within the window
     * @param maxFailuresPerAddress failed sign-ins allowed per client address within the window
     * @param failureWindow         how long a failure counts
     */
    public record Security(
            @Min(1) @DefaultValue("5") int maxFailuresPerAccount,
            @Min(1) @DefaultValue("20") int maxFailuresPerAddress,
            @NotNull @DefaultValue("15m") Duration failureWindow) {
    }
}
