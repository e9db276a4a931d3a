package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.callvault.media.ToneGenerator;
import org.callvault.media.codec.OpusCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Ogg Opus recording writer, through the real resampler and encoder, checked by decoding back. */
class OggOpusWriterTest {

    private static final int RATE = 44_100;
    private static final double AMPLITUDE = 8_000;
    /** 882 samples: the recorder's 20 ms step. */
    private static final int STEP = RATE / 50;

    @TempDir
    Path dir;

    @Test
    void monoToneKeepsItsFrequencyLevelAndPlaceAndTheFileLastsExactlyWhatWasWritten() throws Exception {
        int lead = RATE / 2; // half a second of silence, then the tone
        int total = 3 * RATE + 123; // not a whole number of packets
        Path file = dir.resolve("mono.opus");
        writeToneFile(file, 1, lead, total, RecordingFormat.OPUS.bitrate(1));

        List<OggPages.Page> pages = pages(file);
        assertThat(pages.get(0).flags() & OggPages.FLAG_BOS).isNotZero();
        assertThat(pages.get(pages.size() - 1).eos()).isTrue();
        OggOpusReader.Header header = OggOpusReader.header(file);
        long expected = Math.round(total * 48_000.0 / RATE);
        assertThat(pages.get(pages.size() - 1).granule() - header.preSkip()).as("duration at 48 kHz").isEqualTo(expected);
        assertThat(header.preSkip()).as("lookahead plus resampler delay").isGreaterThan(120);
        assertThat(header.inputRate()).isEqualTo(RATE);
        for (int i = 1; i < pages.size(); i++) {
            assertThat(pages.get(i).sequence()).isEqualTo(i);
            assertThat(pages.get(i).granule()).isGreaterThanOrEqualTo(pages.get(i - 1).granule());
        }

        short[] decoded = decodeAll(file, 1);
        assertThat(decoded.length).as("decoded frames").isEqualTo(expected);
        Tone tone = analyse(decoded, 1, 0, Math.round(lead * 48_000.0 / RATE));
        System.out.println("Ogg Opus mono " + tone + ", " + Files.size(file) + " bytes for " + total + " frames");
        assertThat(tone.levelDb()).as("level vs input, dB").isBetween(-1.0, 1.0);
        assertThat(tone.snrDb()).as("SNR of the 1 kHz tone, dB").isGreaterThanOrEqualTo(25);
        assertThat(tone.frequency()).as("frequency").isBetween(995.0, 1005.0);
        assertThat(Math.abs(tone.onsetShiftMillis())).as("time shift, ms").isLessThanOrEqualTo(20);
    }

    /** The quality side of the complexity choice (the cost side is RecordingEncodeBenchmark). */
    @Test
    void theChosenComplexityIsTheLowestThatKeepsTheToneAndEveryHigherOneDoesToo() throws Exception {
        int lowestPassing = -1;
        for (int complexity = 0; complexity <= 10; complexity++) {
            Path file = dir.resolve("c" + complexity + ".opus");
            try (OggOpusWriter writer = new OggOpusWriter(file, RATE, 2, RecordingFormat.OPUS.bitrate(2), complexity, 0)) {
                short[] tone = new ToneGenerator(RATE, 1_000, AMPLITUDE).generate(0, 2 * RATE);
                short[] stereo = new short[2 * tone.length];
                for (int i = 0; i < tone.length; i++) {
                    stereo[2 * i] = tone[i];
                }
                writer.write(stereo, 0, stereo.length);
            }
            Tone tone = analyse(decodeAll(file, 2), 2, 0, 0);
            boolean passes = tone.snrDb() >= 25 && Math.abs(tone.levelDb()) <= 1;
            System.out.printf("complexity %d: SNR %.1f dB, level %.2f dB, %d bytes for 2 s%n", complexity, tone.snrDb(),
                    tone.levelDb(), Files.size(file));
            if (passes && lowestPassing < 0) {
                lowestPassing = complexity;
            }
        }
        assertThat(lowestPassing).isBetween(0, RecordingFormat.OPUS_COMPLEXITY);
    }

    @Test
    void stereoKeepsEachPartyInItsOwnChannel() throws Exception {
        int lead = RATE / 4;
        int total = 2 * RATE;
        Path file = dir.resolve("stereo.opus");
        writeToneFile(file, 2, lead, total, RecordingFormat.OPUS.bitrate(2));

        short[] decoded = decodeAll(file, 2);
        assertThat(decoded.length / 2).isEqualTo(Math.round(total * 48_000.0 / RATE));
        Tone left = analyse(decoded, 2, 0, Math.round(lead * 48_000.0 / RATE));
        System.out.println("Ogg Opus stereo " + left + ", " + Files.size(file) + " bytes for " + total + " frames");
        assertThat(left.levelDb()).isBetween(-1.0, 1.0);
        assertThat(left.snrDb()).isGreaterThanOrEqualTo(25);
        assertThat(Math.abs(left.onsetShiftMillis())).isLessThanOrEqualTo(20);
        double rightRms = 0;
        for (int i = 1; i < decoded.length; i += 2) {
            rightRms += (double) decoded[i] * decoded[i];
        }
        rightRms = Math.sqrt(rightRms / (decoded.length / 2.0));
        assertThat(20 * Math.log10(Math.max(rightRms, 1e-9) / (AMPLITUDE / Math.sqrt(2))))
                .as("the silent party's channel, dB under the tone").isLessThan(-30);
    }

    @Test
    void lateAudioIsPatchedWithinTheHoldAndRefusedBeforeIt() throws Exception {
        Path file = dir.resolve("late.opus");
        int hold = RATE; // one second open to late audio
        try (OggOpusWriter writer = new OggOpusWriter(file, RATE, 1, 24_000, 5, hold)) {
            short[] silence = new short[STEP];
            for (int i = 0; i < 150; i++) { // 3 s of silence
                writer.write(silence, 0, STEP);
            }
            long written = writer.samplesWritten();
            assertThat(written).isEqualTo(150L * STEP);
            short[] tone = new ToneGenerator(RATE, 1_000, AMPLITUDE).generate(0, STEP);
            writer.writeAt(written - 10 * STEP, tone, 0, STEP); // 200 ms late: in the hold
            short[] back = new short[STEP];
            writer.readAt(written - 10 * STEP, back, 0, STEP);
            assertThat(back).isEqualTo(tone);
            assertThatThrownBy(() -> writer.writeAt(written - 2L * hold, tone, 0, STEP))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("held");
            assertThatThrownBy(() -> writer.truncate(written - 2L * hold)).isInstanceOf(IOException.class);
            writer.truncate(written - STEP);
            assertThat(writer.samplesWritten()).isEqualTo(written - STEP);
        }
        short[] decoded = decodeAll(file, 1);
        assertThat(decoded.length).isEqualTo(Math.round(149.0 * STEP * 48_000 / RATE));
        int from = (int) Math.round(140.0 * STEP * 48_000 / RATE); // the patched 20 ms
        double energy = 0;
        for (int i = from; i < from + 960; i++) {
            energy += (double) decoded[i] * decoded[i];
        }
        assertThat(Math.sqrt(energy / 960)).as("the patched tone is in the file").isGreaterThan(AMPLITUDE / 4);
    }

    @Test
    void anEmptyRecordingIsAValidFileOfNoLength() throws Exception {
        Path file = dir.resolve("empty.opus");
        new OggOpusWriter(file, RATE, 2, 32_000, 5, 0).finish();
        assertThat(decodeAll(file, 2)).isEmpty();
        assertThat(OggOpusReader.lastGranule(file)).isEqualTo(OggOpusReader.header(file).preSkip());
    }

    static void writeToneFile(Path file, int channels, int lead, int total, int bitrate) throws IOException {
        ToneGenerator generator = new ToneGenerator(RATE, 1_000, AMPLITUDE);
        short[] frame = new short[STEP * channels];
        short[] one = new short[STEP];
        try (OggOpusWriter writer = new OggOpusWriter(file, RATE, channels, bitrate, RecordingFormat.OPUS_COMPLEXITY,
                RATE)) {
            for (int at = 0; at < total; at += STEP) {
                int count = Math.min(STEP, total - at);
                generator.fill(one, 0, count, at);
                for (int i = 0; i < count; i++) {
                    short sample = at + i < lead ? 0 : one[i];
                    frame[i * channels] = sample;
                    if (channels == 2) {
                        frame[i * 2 + 1] = 0;
                    }
                }
                writer.write(frame, 0, count * channels);
            }
            assertThat(writer.samplesWritten()).isEqualTo(total);
        }
    }

    static List<OggPages.Page> pages(Path file) throws IOException {
        List<OggPages.Page> pages = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (OggPages.Page page = OggPages.read(in); page != null; page = OggPages.read(in)) {
                pages.add(page);
            }
        }
        return pages;
    }

    static short[] decodeAll(Path file, int channels) throws IOException {
        try (OggOpusReader reader = new OggOpusReader(file)) {
            assertThat(reader.channels()).isEqualTo(channels);
            short[] all = new short[(int) reader.frames() * channels];
            short[] chunk = new short[OpusCodec.MAX_FRAME_SAMPLES * channels];
            int at = 0;
            for (int n = reader.read(chunk, OpusCodec.MAX_FRAME_SAMPLES); n > 0;
                    n = reader.read(chunk, OpusCodec.MAX_FRAME_SAMPLES)) {
                System.arraycopy(chunk, 0, all, at * channels, n * channels);
                at += n;
            }
            assertThat(at).isEqualTo(reader.frames());
            return all;
        }
    }

    record Tone(double levelDb, double snrDb, double frequency, double onsetShiftMillis) {
    }

    /** Fits a 1 kHz sinusoid to the steady part of channel {@code channel} after {@code onset} (48 kHz). */
    static Tone analyse(short[] pcm, int channels, int channel, long onset) {
        int frames = pcm.length / channels;
        int from = (int) onset + 4_800; // 100 ms in: past the attack
        int length = (frames - 4_800 - from) / 48 * 48; // whole periods, 100 ms before the end
        double cos = 0;
        double sin = 0;
        double power = 0;
        for (int i = 0; i < length; i++) {
            double x = pcm[(from + i) * channels + channel];
            double phase = 2 * Math.PI * 1_000 * (from + i) / 48_000.0;
            cos += x * Math.cos(phase);
            sin += x * Math.sin(phase);
            power += x * x;
        }
        double amplitude = 2 * Math.hypot(cos, sin) / length;
        double signal = amplitude * amplitude / 2;
        double noise = Math.max(power / length - signal, 1e-9);
        int crossings = 0;
        for (int i = 1; i < length; i++) {
            if (pcm[(from + i - 1) * channels + channel] < 0 && pcm[(from + i) * channels + channel] >= 0) {
                crossings++;
            }
        }
        double frequency = crossings * 48_000.0 / length;
        int heard = -1;
        for (int i = 0; i < frames && heard < 0; i++) {
            if (Math.abs(pcm[i * channels + channel]) > AMPLITUDE / 2) {
                heard = i;
            }
        }
        return new Tone(20 * Math.log10(amplitude / AMPLITUDE), 10 * Math.log10(signal / noise), frequency,
                (heard - onset) / 48.0);
    }
}
