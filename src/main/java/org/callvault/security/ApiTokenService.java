package org.callvault.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.callvault.user.AccountDeleted;
import org.callvault.user.UserException;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Personal API tokens for scripts. The token is shown once at creation; only its SHA-256 is
 * stored (a token is 256 random bits, so a fast hash is enough: there is nothing to brute-force).
 */
@Service
public class ApiTokenService {

    public static final String PREFIX = "cv_";
    private static final int MAX_TOKENS_PER_USER = 20;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    ApiTokenService(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public record Created(ApiToken token, String secret) {
    }

    public Created create(String username, String name) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new UserException("Give the token a name of 1 to 100 characters.");
        }
        if (list(username).stream().filter(ApiToken::active).count() >= MAX_TOKENS_PER_USER) {
            throw new UserException("At most " + MAX_TOKENS_PER_USER + " active tokens; revoke one first.");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        jdbc.sql("""
                INSERT INTO api_tokens (id, username, name, token_hash, created_at)
                VALUES (:id, :username, :name, :hash, :created)
                """).param("id", id).param("username", username).param("name", name.strip())
                .param("hash", hash(secret)).param("created", now.toEpochMilli()).update();
        return new Created(new ApiToken(id, username, name.strip(), now, null, null), secret);
    }

    public List<ApiToken> list(String username) {
        return jdbc.sql("""
                SELECT id, username, name, created_at, last_used_at, revoked_at FROM api_tokens
                WHERE username = :username ORDER BY created_at DESC
                """).param("username", username).query(ApiTokenService::map).list();
    }

    /** Revokes one of the user's own tokens; false if there is no such active token. */
    public boolean revoke(String username, String id) {
        return jdbc.sql("""
                UPDATE api_tokens SET revoked_at = :now WHERE id = :id AND username = :username AND revoked_at IS NULL
                """).param("now", clock.millis()).param("id", id).param("username", username).update() == 1;
    }

    /** In the deleting transaction: a later account of the same name must not inherit these tokens. */
    @EventListener
    void onAccountDeleted(AccountDeleted event) {
        jdbc.sql("DELETE FROM api_tokens WHERE username = :username").param("username", event.username()).update();
    }

    /** The owner of an active token, recording its use. */
    Optional<String> ownerOf(String secret) {
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 100) {
            return Optional.empty();
        }
        String hash = hash(secret);
        Optional<String> owner = jdbc.sql("SELECT username FROM api_tokens WHERE token_hash = :hash AND revoked_at IS NULL")
                .param("hash", hash).query(String.class).optional();
        owner.ifPresent(user -> jdbc.sql("UPDATE api_tokens SET last_used_at = :now WHERE token_hash = :hash")
                .param("now", clock.millis()).param("hash", hash).update());
        return owner;
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiToken map(ResultSet rs, int row) throws SQLException {
        return new ApiToken(rs.getString("id"), rs.getString("username"), rs.getString("name"),
                Instant.ofEpochMilli(rs.getLong("created_at")), instant(rs, "last_used_at"), instant(rs, "revoked_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(value);
    }
}
