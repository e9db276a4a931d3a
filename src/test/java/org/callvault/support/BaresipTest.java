package org.callvault.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.callvault.media.ToneDetector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness itself: the real baresip accepts its config, and it refuses what would leave loopback. */
class BaresipTest {

    @TempDir
    Path work;

    @Test
    void startsWithOnlyG711TheWavMicrophoneAndTheRecorder() throws Exception {
        try (Baresip phone = Baresip.start(work, 440)) {
            assertThat(phone.logs()).contains("Populated 1 account", "Populated 2 audio codecs", "aucodec: PCMU/8000/1",
                    "aucodec: PCMA/8000/1", "ausrc: aufile", "aufilt: sndfile").doesNotContain("auplay:");
            WavFile microphone = WavFile.read(phone.directory().resolve("microphone.wav"));
            assertThat(microphone.sampleRate()).isEqualTo(Baresip.SAMPLE_RATE);
            assertThat(microphone.channels()).isEqualTo(1);
            assertThat(microphone.declaredDataBytes()).isEqualTo(microphone.fileBytes() - 44);
            assertThat(microphone.durationMs()).isEqualTo(Baresip.TONE_LENGTH.toMillis());
            assertThat(ToneDetector.relativePower(microphone.samples(), 0, 8000, 440, Baresip.SAMPLE_RATE))
                    .isGreaterThan(0.99);
        }
    }

    @Test
    void refusesUrisOffLoopbackAndCommandInjection() throws Exception {
        try (Baresip phone = Baresip.start(work)) {
            for (String uri : new String[] { "sip:agents@example.com", "sip:agents@10.0.0.1:5060",
                    "sip:agents@127.0.0.1", "sips:agents@127.0.0.1:5061", "sip:agents@127.0.0.1:5060\n/quit",
                    "sip:agents@127.0.0.1:5060;transport=tls", "sip:a b@127.0.0.1:5060" }) {
                assertThatThrownBy(() -> phone.dial(uri)).as(uri).isInstanceOf(IllegalArgumentException.class);
            }
            for (String digits : new String[] { "", "12\n/quit", "x", "1".repeat(33) }) {
                assertThatThrownBy(() -> phone.sendDtmf(digits)).as(digits).isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(phone.logs()).doesNotContain("call: connecting", "Quit");
        }
    }
}
