package org.callvault.user;

import java.time.Instant;

public record User(String id, String username, String passwordHash, Role role, boolean enabled,
        boolean mustChangePassword, Instant createdAt, Instant lastLoginAt) {
}
