package org.callvault.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GcPauseAdviceTest {

    @Test
    void theDefaultG1TargetIsFlaggedWithTheFlagToUse() {
        assertThat(GcPauseAdvice.advice(true, 200)).hasValueSatisfying(text -> assertThat(text)
                .contains("200 ms").contains("-XX:MaxGCPauseMillis=10"));
    }

    @Test
    void aShortTargetOrAnotherCollectorNeedsNoAdvice() {
        assertThat(GcPauseAdvice.advice(true, 10)).isEmpty();
        assertThat(GcPauseAdvice.advice(true, GcPauseAdvice.MAX_TARGET_MILLIS)).isEmpty();
        assertThat(GcPauseAdvice.advice(false, 200)).isEmpty();
    }
}
