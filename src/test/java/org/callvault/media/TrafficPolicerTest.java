package org.callvault.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrafficPolicerTest {

    private static final long MS = 1_000_000L;
    private static final long FRAME = 20 * MS;

    @Test
    void realTimePassesForEverAndABurstUpToTheAllowancePassesAtOnce() {
        TrafficPolicer policer = new TrafficPolicer(200 * MS, 250, 0);
        long now = 0;
        for (int i = 0; i < 10_000; i++, now += FRAME) {
            assertThat(policer.admit(FRAME, now)).isTrue();
        }
        // A 200 ms stall, then its backlog at once: the 10 frames of the allowance pass.
        now += 200 * MS;
        int passed = 0;
        for (int i = 0; i < 20; i++) {
            passed += policer.admit(FRAME, now) ? 1 : 0;
        }
        assertThat(passed).isEqualTo(10);
        assertThat(policer.abusive()).isFalse();
    }

    @Test
    void aFloodPassesTheAllowanceThenRealTimeAndIsAbusiveAfterTheWindowsShareOfDrops() {
        TrafficPolicer policer = new TrafficPolicer(3_000 * MS, 250, 0);
        int passed = 0;
        long now = 0;
        // 21,870 frames a second (the flood) for one second.
        for (int i = 0; i < 21_870; i++) {
            now = i * 1_000_000_000L / 21_870;
            passed += policer.admit(FRAME, now) ? 1 : 0;
        }
        assertThat(passed).isBetween(150 + 49, 150 + 51); // 3 s of audio, plus one second of real time
        assertThat(policer.abusive()).isTrue();
    }
}
