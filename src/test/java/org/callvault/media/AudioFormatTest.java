package org.callvault.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class AudioFormatTest {

    @Test
    void defaultIs44100HzWith20msFrames() {
        AudioFormat format = new AudioFormat();

        assertThat(format).isEqualTo(AudioFormat.DEFAULT);
        assertThat(format.sampleRate()).isEqualTo(44_100);
        assertThat(format.frameMillis()).isEqualTo(20);
        assertThat(format.samplesPerFrame()).isEqualTo(882);
        assertThat(format.bytesPerFrame()).isEqualTo(1764);
    }

    @Test
    void convertsBetweenTimeAndSamples() {
        AudioFormat format = AudioFormat.DEFAULT;

        assertThat(format.samplesFor(Duration.ofSeconds(5))).isEqualTo(220_500);
        assertThat(format.samplesFor(Duration.ofHours(1))).isEqualTo(158_760_000);
        assertThat(format.samplesForNanos(20_000_000)).isEqualTo(882);
        assertThat(format.samplesForNanos(1)).isZero();
        assertThat(format.samplesForNanos(-1)).isEqualTo(-1);
        // Far past where nanos * rate would overflow a long (about 58 hours at 44.1 kHz).
        assertThat(format.samplesForNanos(Duration.ofDays(30).toNanos())).isEqualTo(30L * 86_400 * 44_100);
        assertThat(format.samplesForMillis(500)).isEqualTo(22_050);
        assertThat(format.millisFor(220_500)).isEqualTo(5_000);
        assertThat(format.millisFor(881)).isEqualTo(19);
        assertThat(new AudioFormat(8_000, 10).samplesPerFrame()).isEqualTo(80);
    }

    @Test
    void rejectsFormatsOutsideTheSupportedRange() {
        assertThatThrownBy(() -> new AudioFormat(7_999, 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sampleRate");
        assertThatThrownBy(() -> new AudioFormat(96_001, 20)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AudioFormat(44_100, 9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frameMillis");
        assertThatThrownBy(() -> new AudioFormat(44_100, 61)).isInstanceOf(IllegalArgumentException.class);
        // 44.1 kHz x 15 ms = 661.5 samples: frames would not line up with samples.
        assertThatThrownBy(() -> new AudioFormat(44_100, 15)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whole number");
        assertThat(new AudioFormat(96_000, 60).samplesPerFrame()).isEqualTo(5_760);
    }
}
