package org.callvault.security;

import java.time.Instant;

public record ApiToken(String id, String username, String name, Instant createdAt, Instant lastUsedAt,
        Instant revokedAt) {

    public boolean active() {
        return revokedAt == null;
    }
}
