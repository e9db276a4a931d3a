package org.callvault.transport.sip;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Server nonces for digest authentication that need no state until they are used: a nonce is its
 * issue time and a serial number, signed with HMAC-SHA-256 under a key drawn at random for this
 * process (so a restart invalidates every nonce, which clients recover from through {@code stale=true}).
 * <p>
 * Replay protection is the one piece of state: for each nonce that authenticated a request, the
 * highest nonce count ({@code nc}) seen; a request must carry a higher one. That table only grows
 * with requests whose digest was right, holds at most {@code maxTracked} nonces, and drops expired
 * ones first. When it must drop a nonce still alive, every nonce issued up to that one counts as stale
 * from then on (the client is challenged again), so a dropped entry never re-opens a replay.
 */
final class DigestNonces {

    /** What a nonce and its count are worth. */
    enum Use {
        /** Ours, alive, and the count is higher than any seen with it: the request may pass. */
        FRESH,
        /** Not ours (forged, another process's), expired, or forgotten: challenge again with stale=true. */
        STALE,
        /** Ours and alive, but this count (or a higher one) was already used: a replay. */
        REPLAYED
    }

    private static final int TIME_BYTES = 8;
    private static final int SERIAL_BYTES = 8;
    private static final int MAC_BYTES = 16; // HMAC-SHA-256 truncated to 128 bits (RFC 2104 section 5 allows it)
    private static final int NONCE_BYTES = TIME_BYTES + SERIAL_BYTES + MAC_BYTES;

    private final long lifetimeNanos;
    private final int maxTracked;
    private final LongSupplier nanoClock;
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;
    private final AtomicLong serial = new AtomicLong();
    private final LinkedHashMap<String, Tracked> tracked = new LinkedHashMap<>();
    private boolean forgotAny;
    private long forgottenUpTo;

    DigestNonces(Duration lifetime, int maxTracked, LongSupplier nanoClock) {
        if (lifetime.isNegative() || lifetime.isZero() || maxTracked < 1) {
            throw new IllegalArgumentException("nonce lifetime and table size must be positive");
        }
        this.lifetimeNanos = lifetime.toNanos();
        this.maxTracked = maxTracked;
        this.nanoClock = nanoClock;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        // Mac is not thread-safe and the SIP stack calls from several threads: one per thread.
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            }
            catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
            }
        });
    }

    /** A new nonce: unique (the serial), dated (the clock), unforgeable (the MAC); URL-safe base64. */
    String issue() {
        ByteBuffer nonce = ByteBuffer.allocate(NONCE_BYTES);
        nonce.putLong(nanoClock.getAsLong()).putLong(serial.incrementAndGet());
        nonce.put(mac(nonce.array()), 0, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce.array());
    }

    /**
     * Checks a nonce and the count a request used it with; records the count when it passes. Call only
     * once the request's digest was found right, so that strangers cannot fill the table.
     */
    Use use(String nonce, long nonceCount) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce);
        }
        catch (IllegalArgumentException notBase64) {
            return Use.STALE;
        }
        if (raw.length != NONCE_BYTES) {
            return Use.STALE;
        }
        byte[] expectedMac = java.util.Arrays.copyOf(mac(raw), MAC_BYTES);
        byte[] givenMac = java.util.Arrays.copyOfRange(raw, TIME_BYTES + SERIAL_BYTES, NONCE_BYTES);
        if (!MessageDigest.isEqual(expectedMac, givenMac)) {
            return Use.STALE;
        }
        long issued = ByteBuffer.wrap(raw).getLong();
        long now = nanoClock.getAsLong();
        if (now - issued > lifetimeNanos || now - issued < 0) {
            return Use.STALE;
        }
        synchronized (tracked) {
            dropExpired(now);
            Tracked seen = tracked.get(nonce);
            if (seen == null) {
                if (forgotAny && issued - forgottenUpTo <= 0) {
                    return Use.STALE; // it may have been used before we had to forget it
                }
                tracked.put(nonce, new Tracked(issued, nonceCount));
                forgetOverflow();
                return Use.FRESH;
            }
            if (nonceCount <= seen.highestCount) {
                return Use.REPLAYED;
            }
            seen.highestCount = nonceCount;
            return Use.FRESH;
        }
    }

    /** Nonces tracked now (tests). */
    int tracked() {
        synchronized (tracked) {
            return tracked.size();
        }
    }

    private void dropExpired(long now) {
        // Insertion order is close to issue order; an expired nonce is refused on its age anyway.
        Iterator<Tracked> oldest = tracked.values().iterator();
        while (oldest.hasNext()) {
            if (now - oldest.next().issued <= lifetimeNanos) {
                break;
            }
            oldest.remove();
        }
    }

    private void forgetOverflow() {
        Iterator<Map.Entry<String, Tracked>> oldest = tracked.entrySet().iterator();
        while (tracked.size() > maxTracked && oldest.hasNext()) {
            long issued = oldest.next().getValue().issued;
            oldest.remove();
            if (!forgotAny || issued - forgottenUpTo > 0) {
                forgottenUpTo = issued;
                forgotAny = true;
            }
        }
    }

    private byte[] mac(byte[] nonce) {
        Mac mac = macs.get();
        mac.update(nonce, 0, TIME_BYTES + SERIAL_BYTES);
        return mac.doFinal();
    }

    private static final class Tracked {
        final long issued;
        long highestCount;

        Tracked(long issued, long highestCount) {
            this.issued = issued;
            this.highestCount = highestCount;
        }
    }
}
