package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;

import org.callvault.media.AudioFormat;
import org.junit.jupiter.api.Test;

class SipMediaWarmUpTest {

    @Test
    void everyCodecIsPlayedOutAndDecodedNotJustBuffered() {
        int[] decoded = SipMediaWarmUp.run(AudioFormat.DEFAULT);

        // PCMU, PCMA, G.722: all but the jitter buffer's 60 ms start depth reach the decoder,
        // so the warm-up compiles the decode path and not only the buffering
        assertThat(decoded).hasSize(3);
        for (int n : decoded) {
            assertThat(n).isBetween(SipMediaWarmUp.PACKETS - 5, SipMediaWarmUp.PACKETS);
        }
    }
}
