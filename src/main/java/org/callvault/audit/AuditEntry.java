package org.callvault.audit;

import java.time.Instant;

/**
 * One audit entry.
 *
 * @param seq          its place in the chain (1, 2, 3 ...)
 * @param previousHash the hash of the entry before it ({@link AuditChain#GENESIS} for the first)
 * @param hash         SHA-256 over this entry and {@code previousHash} ({@link AuditChain})
 */
public record AuditEntry(String id, Instant occurredAt, String actor, AuditAction action, String target,
        String detail, String clientAddress, Long seq, String previousHash, String hash) {
}
