package org.callvault.user;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UserNamesTest {

    @Test
    void oneCanonicalFormPerName() {
        assertThat(UserNames.canonical(" Maria.K\t")).isEqualTo("maria.k");
        assertThat(UserNames.canonical("ＡＤＭＩＮ")).isEqualTo("admin");
        assertThat(UserNames.canonical(null)).isEmpty();
        assertThat(UserNames.couldExist(UserNames.canonical("ADMIN "))).isTrue();
        for (String lookalike : new String[] { "ádmin", "admín", "Àdmin", "admin\u200b", "\u202eadmin", "ad\u0000min",
                "adm\u0131n", "ab" }) {
            assertThat(UserNames.couldExist(UserNames.canonical(lookalike))).as(lookalike).isFalse();
        }
    }

    @Test
    void weakPasswordsAreRefusedWithAReason() {
        assertThat(PasswordPolicy.violation("bob", "password12")).hasValueSatisfying(
                reason -> assertThat(reason).startsWith("Password is too easy to guess"));
        assertThat(PasswordPolicy.violation("maria.k", "Maria.K-is-the-best-9")).contains(
                "Password must not contain the user name.");
        assertThat(PasswordPolicy.violation("bob", "Amber-Violin-Tractor-31")).isEmpty();
        assertThat(PasswordPolicy.violation("bob", "short")).contains("Password must have at least 10 characters.");
    }
}
