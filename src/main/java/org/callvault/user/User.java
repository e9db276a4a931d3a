package org.callvault.user;

import java.time.Instant;

/**
 * An account. {@code rightsVersion} grows on every change of what the account may do (enabled,
 * role, password); a session signed in under an older version is ended. {@code displayName} is
 * the name shown to people; without one it is the user name.
 */
public record User(String id, String username, String passwordHash, Role role, boolean enabled,
        boolean mustChangePassword, Instant createdAt, Instant lastLoginAt, long rightsVersion, String displayName) {

    public User {
        if (displayName == null || displayName.isBlank()) {
            displayName = username;
        }
    }

    public User(String id, String username, String passwordHash, Role role, boolean enabled,
            boolean mustChangePassword, Instant createdAt, Instant lastLoginAt) {
        this(id, username, passwordHash, role, enabled, mustChangePassword, createdAt, lastLoginAt, 0, null);
    }
}
