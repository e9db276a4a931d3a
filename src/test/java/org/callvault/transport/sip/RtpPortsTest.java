package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RtpPortsTest {

    @Test
    void handsOutEachEvenPortOnceAndRefusesWhenTheRangeIsHeld() {
        RtpPorts ports = new RtpPorts("20001-20010"); // even ports 20002..20010 with their odd RTCP partner
        Set<Integer> given = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            given.add(ports.allocate());
        }
        assertThat(given).containsExactlyInAnyOrder(20002, 20004, 20006, 20008);
        assertThat(ports.allocate()).isEqualTo(-1);
        assertThat(ports.inUse()).isEqualTo(4);
        ports.release(20004);
        assertThat(ports.allocate()).isEqualTo(20004);
    }

    @Test
    void aRangeWithoutAPortPairIsRefusedAtStart() {
        assertThatThrownBy(() -> new RtpPorts("30000-30000")).hasMessageContaining("callvault.sip.rtp-ports");
        assertThatThrownBy(() -> new RtpPorts("80-90")).hasMessageContaining("1024");
    }
}
