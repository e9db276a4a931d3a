package org.callvault.user;

import java.util.Optional;

/** The rules a new password must meet; returns the reason it does not, for the form to show. */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 128;

    private PasswordPolicy() {
    }

    public static Optional<String> violation(String username, String password) {
        if (password == null || password.length() < MIN_LENGTH) {
            return Optional.of("Password must have at least " + MIN_LENGTH + " characters.");
        }
        if (password.length() > MAX_LENGTH) {
            return Optional.of("Password must have at most " + MAX_LENGTH + " characters.");
        }
        if (password.equalsIgnoreCase(username)) {
            return Optional.of("Password must not be the user name.");
        }
        if (password.equals(UserService.DEFAULT_ADMIN_PASSWORD)) {
            return Optional.of("Password must not be the documented default password.");
        }
        if (password.isBlank()) {
            return Optional.of("Password must not be blank.");
        }
        return Optional.empty();
    }
}
