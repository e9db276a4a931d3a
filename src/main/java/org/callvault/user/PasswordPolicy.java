package org.callvault.user;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;

/**
 * The rules a new password must meet (NIST SP 800-63B): a minimum length, no common or trivially
 * guessable password, no context words. The strength check is zxcvbn's (dictionaries of common
 * passwords, names and words, keyboard patterns, sequences, repeats, dates), given the user name
 * and "callvault" as context; returns the reason a password fails, for the form to show.
 */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 128;

    /** zxcvbn's 3: about 10^8 guesses or more, "safely unguessable" for an online attacker. */
    static final int MIN_SCORE = 3;

    private static final List<String> CONTEXT_WORDS = List.of("callvault", "call vault", "call-vault");

    /** Loads its dictionaries once (tens of milliseconds); thread-safe afterwards. */
    private static final Zxcvbn STRENGTH = new Zxcvbn();

    private PasswordPolicy() {
    }

    public static Optional<String> violation(String username, String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            return Optional.of("Password must have at least " + MIN_LENGTH + " characters.");
        }
        if (password.length() > MAX_LENGTH) {
            return Optional.of("Password must have at most " + MAX_LENGTH + " characters.");
        }
        if (password.isBlank()) {
            return Optional.of("Password must not be blank.");
        }
        if (password.equals(UserService.DEFAULT_ADMIN_PASSWORD)) {
            return Optional.of("Password must not be the documented default password.");
        }
        String folded = UserNames.canonical(password);
        String name = UserNames.canonical(username);
        if (!name.isEmpty() && folded.contains(name)) {
            return Optional.of("Password must not contain the user name.");
        }
        if (CONTEXT_WORDS.stream().anyMatch(folded::contains)) {
            return Optional.of("Password must not contain the name of this service.");
        }
        Strength strength = STRENGTH.measure(password, contextWords(name));
        if (strength.getScore() < MIN_SCORE) {
            String warning = strength.getFeedback().getWarning(Locale.ENGLISH);
            return Optional.of("Password is too easy to guess" + (warning == null || warning.isBlank() ? "" : ": "
                    + warning.replaceAll("\\.$", "")) + ". Use a longer phrase of unrelated words.");
        }
        return Optional.empty();
    }

    private static List<String> contextWords(String name) {
        return name.isEmpty() ? CONTEXT_WORDS : List.of(name, "callvault", "call", "vault");
    }
}
