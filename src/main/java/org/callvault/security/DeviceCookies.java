package org.callvault.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.callvault.system.CallVaultProperties;
import org.callvault.user.UserNames;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * OWASP's device cookie: after a successful sign-in the browser gets
 * {@code user.nonce.expiry.HMAC(user.nonce.expiry)}, HttpOnly, sent only to {@code /login}. A
 * later attempt that presents a valid one for the same user is throttled on its own budget, so
 * failures from strangers cannot lock out a browser that signed in before. The HMAC key is made
 * at first start and kept in the database ({@code server_keys}), never in the repository.
 */
@Component
class DeviceCookies implements ApplicationRunner {

    static final String NAME = "CALLVAULT_DEVICE";
    private static final String KEY_NAME = "device-cookie-hmac";
    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final SecureRandom random = new SecureRandom();
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration lifetime;
    private volatile SecretKeySpec key;

    DeviceCookies(JdbcClient jdbc, Clock clock, CallVaultProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.lifetime = properties.security().deviceCookieLifetime();
    }

    /** Loads (or makes) the key at start, so no sign-in waits on the database for it. */
    @Override
    public void run(ApplicationArguments args) {
        key();
    }

    /** A fresh cookie for a browser that just signed in as this user (blocking: may create the key). */
    ResponseCookie issue(String username, boolean secure) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        long expiry = clock.instant().plus(lifetime).getEpochSecond();
        String payload = B64.encodeToString(UserNames.canonical(username).getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(nonce) + "." + expiry;
        return ResponseCookie.from(NAME, payload + "." + sign(payload))
                .httpOnly(true).secure(secure).sameSite("Strict").path("/login").maxAge(lifetime).build();
    }

    /**
     * The device id (its nonce) when the request carries a valid, unexpired device cookie issued to
     * this user; empty otherwise (a forged, altered, expired or another user's cookie counts as none).
     */
    Optional<String> deviceOf(ServerHttpRequest request, String typedUsername) {
        String canonical = UserNames.canonical(typedUsername);
        for (HttpCookie cookie : request.getCookies().getOrDefault(NAME, java.util.List.of())) {
            Optional<String> device = verify(cookie.getValue(), canonical);
            if (device.isPresent()) {
                return device;
            }
        }
        return Optional.empty();
    }

    Optional<String> verify(String value, String canonical) {
        String[] parts = value == null ? new String[0] : value.split("\\.");
        if (parts.length != 4) {
            return Optional.empty();
        }
        String payload = parts[0] + "." + parts[1] + "." + parts[2];
        byte[] expected = sign(payload).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, parts[3].getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        try {
            String user = new String(B64D.decode(parts[0]), StandardCharsets.UTF_8);
            long expiry = Long.parseLong(parts[2]);
            if (!user.equals(canonical) || expiry < clock.instant().getEpochSecond()) {
                return Optional.empty();
            }
        }
        catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(parts[1]);
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key());
            return B64.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private SecretKeySpec key() {
        SecretKeySpec current = key;
        if (current == null) {
            synchronized (this) {
                if (key == null) {
                    key = new SecretKeySpec(B64D.decode(loadOrCreateSecret()), ALGORITHM);
                }
                current = key;
            }
        }
        return current;
    }

    private String loadOrCreateSecret() {
        Optional<String> stored = jdbc.sql("SELECT secret FROM server_keys WHERE name = :name")
                .param("name", KEY_NAME).query(String.class).optional();
        if (stored.isPresent()) {
            return stored.get();
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String encoded = B64.encodeToString(secret);
        jdbc.sql("INSERT INTO server_keys (name, secret, created_at) VALUES (:name, :secret, :now)")
                .param("name", KEY_NAME).param("secret", encoded).param("now", clock.millis()).update();
        return encoded;
    }
}
