package org.callvault.transport.sip.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WraparoundTest {

    @Test
    void sequenceNumbersStepForwardAndBackAcrossTheWrap() {
        assertThat(Wraparound.extendSequence(65535, 0)).isEqualTo(65536);
        assertThat(Wraparound.extendSequence(65536, 65535)).isEqualTo(65535);
        assertThat(Wraparound.extendSequence(3 * 65536L + 10, 5)).isEqualTo(3 * 65536L + 5);
        assertThat(Wraparound.extendSequence(0, 65000)).isEqualTo(65000 - 65536);
    }

    @Test
    void timestampsStepForwardAndBackAcrossTheWrap() {
        assertThat(Wraparound.extendTimestamp(0xFFFF_FF60L, 0)).isEqualTo(1L << 32);
        assertThat(Wraparound.extendTimestamp(1L << 32, 0xFFFF_FF60L)).isEqualTo(0xFFFF_FF60L);
        assertThat(Wraparound.extendTimestamp(5L << 32, 160)).isEqualTo((5L << 32) + 160);
    }
}
