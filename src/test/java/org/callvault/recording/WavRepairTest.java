package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import org.callvault.media.ToneGenerator;
import org.callvault.recording.WavHeader.InvalidWavException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavRepairTest {

    @TempDir
    Path dir;

    @Test
    void repairsAMonoRecordingLeftOpenByACrash() throws Exception {
        short[] tone = new ToneGenerator(44_100, 440, 12_000).generate(0, 10_000);
        Path crashed = crashImage(44_100, 1, tone, 1);
        assertThat(Files.size(crashed)).isEqualTo(44 + 20_000 + 1);
        assertThat(WavHeader.parse(WavTestFiles.headerBytes(crashed)).dataBytes()).as("as the crash left it").isZero();

        WavRepair.Result result = WavRepair.repair(crashed);

        assertThat(result).isEqualTo(new WavRepair.Result(10_000, 20_000, 1, true));
        assertThat(Files.size(crashed)).isEqualTo(44 + 20_000);
        assertThat(WavTestFiles.headerBytes(crashed)).containsExactly(WavHeader.pcm16(44_100, 1, 20_000).toBytes());
        assertThat(WavTestFiles.read(crashed).samples()).as("every complete sample kept").isEqualTo(tone);
    }

    @Test
    void repairsAStereoRecordingCutInsideAFrame() throws Exception {
        short[] interleaved = new short[2 * 4_000];
        for (int i = 0; i < interleaved.length; i++) {
            interleaved[i] = (short) (i * 7);
        }
        // Three stray bytes: a whole left sample and half a right one, still not a whole frame.
        Path crashed = crashImage(8_000, 2, interleaved, 3);

        WavRepair.Result result = WavRepair.repair(crashed);

        assertThat(result.samples()).isEqualTo(4_000);
        assertThat(result.bytesTruncated()).isEqualTo(3);
        WavTestFiles.Wav wav = WavTestFiles.read(crashed);
        assertThat(wav.header()).isEqualTo(new WavHeader(8_000, 2, 16, 16_000));
        assertThat(wav.fileSize()).isEqualTo(44 + 16_000);
        assertThat(wav.samples()).isEqualTo(interleaved);
    }

    @Test
    void patchesSizesEvenWithoutAPartialFrame() throws Exception {
        short[] samples = { 5, 6, 7, 8 };
        Path crashed = crashImage(16_000, 1, samples, 0);

        WavRepair.Result result = WavRepair.repair(crashed);

        assertThat(result).isEqualTo(new WavRepair.Result(4, 8, 0, true));
        assertThat(WavTestFiles.read(crashed).samples()).containsExactly(samples);
    }

    @Test
    void leavesAHealthyFileAlone() throws Exception {
        Path file = dir.resolve("healthy.wav");
        try (WavFileWriter writer = new WavFileWriter(file, 44_100, 1)) {
            writer.write(new short[] { 1, -1, 2, -2 }, 0, 4);
        }
        byte[] before = Files.readAllBytes(file);

        WavRepair.Result result = WavRepair.repair(file);

        assertThat(result).isEqualTo(new WavRepair.Result(4, 8, 0, false));
        assertThat(Files.readAllBytes(file)).containsExactly(before);
    }

    @Test
    void anEmptyCrashedRecordingStaysAValidEmptyFile() throws Exception {
        Path crashed = crashImage(44_100, 1, new short[0], 1);

        WavRepair.Result result = WavRepair.repair(crashed);

        assertThat(result).isEqualTo(new WavRepair.Result(0, 0, 1, true));
        assertThat(Files.size(crashed)).isEqualTo(44);
    }

    @Test
    void refusesFilesItDoesNotUnderstandAndLeavesThemUntouched() throws Exception {
        Path text = dir.resolve("notes.wav");
        Files.writeString(text, "These are not the samples you are looking for, nor a header.");
        byte[] before = Files.readAllBytes(text);
        Path tiny = dir.resolve("tiny.wav");
        Files.write(tiny, new byte[] { 'R', 'I', 'F', 'F' });

        assertThatThrownBy(() -> WavRepair.repair(text)).isInstanceOf(InvalidWavException.class)
                .hasMessageContaining("not a RIFF file");
        assertThat(Files.readAllBytes(text)).containsExactly(before);
        assertThatThrownBy(() -> WavRepair.repair(tiny)).isInstanceOf(InvalidWavException.class)
                .hasMessageContaining("too short");
    }

    /**
     * What a crash leaves behind: the file as it is on disk while the writer is still open (so
     * the header still declares no data), plus {@code strayBytes} of a sample frame that was
     * being written when the process died.
     */
    private Path crashImage(int sampleRate, int channels, short[] samples, int strayBytes) throws Exception {
        Path live = dir.resolve("live-" + System.nanoTime() + ".wav");
        Path crashed = dir.resolve("crashed-" + System.nanoTime() + ".wav");
        try (WavFileWriter writer = new WavFileWriter(live, sampleRate, channels)) {
            writer.write(samples, 0, samples.length);
            writer.flush(); // what had reached the operating system when the process died
            Files.copy(live, crashed);
        }
        Files.write(crashed, Arrays.copyOf(new byte[] { 0x11, 0x22, 0x33 }, strayBytes), StandardOpenOption.APPEND);
        return crashed;
    }
}
