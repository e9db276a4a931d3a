package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.callvault.transport.sip.DigestNonces.Use;
import org.junit.jupiter.api.Test;

class DigestNoncesTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final DigestNonces nonces = new DigestNonces(Duration.ofMinutes(5), 100, clock::get);

    @Test
    void aFreshNonceServesRisingCountsAndRefusesARepeatedOrLowerOne() {
        String nonce = nonces.issue();
        assertThat(nonces.use(nonce, 1)).isEqualTo(Use.FRESH);
        assertThat(nonces.use(nonce, 1)).isEqualTo(Use.REPLAYED);
        assertThat(nonces.use(nonce, 2)).isEqualTo(Use.FRESH);
        assertThat(nonces.use(nonce, 1)).isEqualTo(Use.REPLAYED);
        assertThat(nonces.use(nonce, 5)).isEqualTo(Use.FRESH); // counts may skip (RFC 7616 3.4)
        assertThat(nonces.use(nonce, 5)).isEqualTo(Use.REPLAYED);
    }

    @Test
    void nonceExpiresAfterItsLifetime() {
        String nonce = nonces.issue();
        clock.addAndGet(Duration.ofMinutes(5).toNanos());
        assertThat(nonces.use(nonce, 1)).isEqualTo(Use.FRESH);
        clock.addAndGet(1);
        assertThat(nonces.use(nonce, 2)).isEqualTo(Use.STALE);
        assertThat(nonces.use(nonces.issue(), 1)).isEqualTo(Use.FRESH);
    }

    @Test
    void noncesAreUniqueAndUnforgeable() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertThat(seen.add(nonces.issue())).isTrue(); // same clock reading: the serial tells them apart
        }
        String nonce = nonces.issue();
        byte[] raw = Base64.getUrlDecoder().decode(nonce);
        raw[3] ^= 1; // another issue time under the old MAC
        assertThat(nonces.use(Base64.getUrlEncoder().withoutPadding().encodeToString(raw), 1)).isEqualTo(Use.STALE);
        assertThat(nonces.use("not base64 !", 1)).isEqualTo(Use.STALE);
        assertThat(nonces.use("c2hvcnQ", 1)).isEqualTo(Use.STALE);
        // Another process (a restart) draws another key: its nonces are not ours.
        DigestNonces other = new DigestNonces(Duration.ofMinutes(5), 100, clock::get);
        assertThat(nonces.use(other.issue(), 1)).isEqualTo(Use.STALE);
        assertThat(nonces.tracked()).isZero();
    }

    @Test
    void aFullTableForgetsTheOldestAndTreatsNoncesUpToItAsStale() {
        DigestNonces small = new DigestNonces(Duration.ofMinutes(5), 3, clock::get);
        String[] issued = new String[5];
        for (int i = 0; i < issued.length; i++) {
            clock.addAndGet(1000);
            issued[i] = small.issue();
        }
        String unused = issued[0];
        for (int i = 1; i < 5; i++) {
            assertThat(small.use(issued[i], 1)).isEqualTo(Use.FRESH);
        }
        assertThat(small.tracked()).isEqualTo(3);
        // issued[1] was forgotten: replaying it must not pass as a first use.
        assertThat(small.use(issued[1], 1)).isEqualTo(Use.STALE);
        assertThat(small.use(unused, 1)).isEqualTo(Use.STALE); // older than what was forgotten
        assertThat(small.use(issued[4], 1)).isEqualTo(Use.REPLAYED);
        assertThat(small.use(issued[4], 2)).isEqualTo(Use.FRESH);
        clock.addAndGet(1000);
        assertThat(small.use(small.issue(), 1)).isEqualTo(Use.FRESH);
    }

    @Test
    void expiredNoncesLeaveTheTable() {
        for (int i = 0; i < 50; i++) {
            assertThat(nonces.use(nonces.issue(), 1)).isEqualTo(Use.FRESH);
        }
        assertThat(nonces.tracked()).isEqualTo(50);
        clock.addAndGet(Duration.ofMinutes(6).toNanos());
        assertThat(nonces.use(nonces.issue(), 1)).isEqualTo(Use.FRESH);
        assertThat(nonces.tracked()).isEqualTo(1);
    }
}
