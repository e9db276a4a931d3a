package org.callvault.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class CallAnnotationsTest {

    private static final List<String> CODES = List.of("sale", "support");

    @Test
    void normalisesTagsAndKeepsLineBreaksInNotes() {
        CallAnnotations a = CallAnnotations.validated("  first line\nsecond  ", List.of(" Billing ", "billing", "vip-1"),
                "sale", CODES);
        assertThat(a.notes()).isEqualTo("first line\nsecond");
        assertThat(a.tags()).containsExactly("billing", "vip-1");
        assertThat(CallAnnotations.validated(" ", null, " ", CODES)).isEqualTo(new CallAnnotations(null, List.of(), null));
    }

    @Test
    void refusesWhatTheRulesDoNotAllow() {
        assertThatThrownBy(() -> CallAnnotations.validated("😀".repeat(2001), null, null, CODES))
                .hasMessageContaining("at most 2000");
        assertThat(CallAnnotations.validated("😀".repeat(2000), null, null, CODES).notes()).hasSize(4000);
        assertThatThrownBy(() -> CallAnnotations.validated("a\u202Eb", null, null, CODES)).hasMessageContaining("printable");
        assertThatThrownBy(() -> CallAnnotations.validated("a\u0000b", null, null, CODES)).hasMessageContaining("printable");
        assertThatThrownBy(() -> CallAnnotations.validated(null, List.of("-lead"), null, CODES)).hasMessageContaining("tag");
        assertThatThrownBy(() -> CallAnnotations.validated(null, List.of("x".repeat(33)), null, CODES))
                .hasMessageContaining("tag");
        assertThatThrownBy(() -> CallAnnotations.validated(null, List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"),
                null, CODES)).hasMessageContaining("at most 10 tags");
        assertThatThrownBy(() -> CallAnnotations.validated(null, null, "bribe", CODES)).hasMessageContaining("sale, support");
    }
}
