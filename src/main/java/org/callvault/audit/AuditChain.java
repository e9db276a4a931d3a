package org.callvault.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash that links the audit log into one chain: SHA-256 over an entry's position, content and
 * the previous entry's hash. Each field is written with its length first (and null apart from
 * empty), so no two different entries can be written as the same bytes. Changing any stored field
 * of an entry breaks its own hash; removing an entry breaks the link of the one after it.
 */
public final class AuditChain {

    /** The previous hash of the first entry. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {
    }

    public static String hash(long seq, long occurredAtMillis, String actor, String action, String target,
            String detail, String clientAddress, String previousHash) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        field(sha, "v1");
        field(sha, Long.toString(seq));
        field(sha, Long.toString(occurredAtMillis));
        field(sha, actor);
        field(sha, action);
        field(sha, target);
        field(sha, detail);
        field(sha, clientAddress);
        field(sha, previousHash);
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void field(MessageDigest sha, String value) {
        if (value == null) {
            sha.update(new byte[] { 'N', ':' });
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        sha.update(bytes);
    }
}
