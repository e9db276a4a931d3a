package org.callvault.web;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * What the pages show that an operator chooses (issue 17, point 9). Bound from {@code callvault.*}
 * beside {@link org.callvault.system.CallVaultProperties} (a prefix may feed several records),
 * so that pages' settings stay with the pages.
 *
 * @param companyName the operator's company, named in the phone page's heading (callers see it)
 * @param console     the agent console
 */
@Validated
@ConfigurationProperties("callvault")
public record PageSettings(
        @NotBlank @Size(max = 80) @DefaultValue("CallVault") String companyName,
        @Valid @NotNull @DefaultValue Console console) {

    /**
     * @param finishedCallsShown a finished call stays in the console's live list this long (dimmed),
     *                           so agents see how it ended and who took it; 0 removes it at once
     */
    public record Console(@NotNull @DefaultValue("60s") Duration finishedCallsShown) {

        @AssertTrue(message = "callvault.console.finished-calls-shown must be between 0 and 1h")
        boolean isFinishedCallsShownInRange() {
            return finishedCallsShown == null
                    || !finishedCallsShown.isNegative() && finishedCallsShown.compareTo(Duration.ofHours(1)) <= 0;
        }
    }
}
