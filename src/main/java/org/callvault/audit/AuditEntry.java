package org.callvault.audit;

import java.time.Instant;

public record AuditEntry(String id, Instant occurredAt, String actor, AuditAction action, String target,
        String detail, String clientAddress) {
}
