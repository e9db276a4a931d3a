package org.callvault.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DisplayNamesTest {

    @ParameterizedTest
    @ValueSource(strings = { "Maria Rossi", "Jürgen Ærø", "李小龍", "O'Brien-Smith, Jr.", "x", "🙂 Ana" })
    void ordinaryNamesInAnyScriptAreAccepted(String name) {
        assertThat(DisplayNames.validated("  " + name + "\t")).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = { "Evil\u202Egnp.exe", "a\u2066b", "zero\u200Bwidth", "line\nbreak", "bell\u0007",
            "nul\u0000", "sep\u2028arator", "private\uE000use", "lone\uD800surrogate" })
    void controlDirectionAndInvisibleCharactersAreRefused(String name) {
        assertThatThrownBy(() -> DisplayNames.validated(name)).isInstanceOf(UserException.class)
                .hasMessageContaining("control, direction or invisible");
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "   ", "\t" })
    void emptyNamesAreRefused(String name) {
        assertThatThrownBy(() -> DisplayNames.validated(name)).hasMessageContaining("1 to 80 characters");
    }

    @org.junit.jupiter.api.Test
    void eightyCharactersCountedAsCodePointsFitEightyOneDoNot() {
        String emoji = "🙂".repeat(80); // 160 UTF-16 units, 80 characters
        assertThat(DisplayNames.validated(emoji)).isEqualTo(emoji);
        assertThatThrownBy(() -> DisplayNames.validated("a".repeat(81))).hasMessageContaining("1 to 80 characters");
        assertThatThrownBy(() -> DisplayNames.validated(null)).hasMessageContaining("1 to 80 characters");
    }
}
