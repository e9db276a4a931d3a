package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.callvault.media.ToneGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavFileWriterTest {

    @TempDir
    Path dir;

    @Test
    void monoFileHoldsHeaderAndExactlyTheSamplesWritten() throws Exception {
        Path file = dir.resolve("mono.wav");
        // More than the writer's 16 KiB buffer in one call, then small odd-sized appends.
        short[] tone = new ToneGenerator(44_100, 440, 12_000).generate(0, 20_000);
        try (WavFileWriter writer = new WavFileWriter(file, 44_100, 1)) {
            writer.write(tone, 0, 12_345);
            writer.write(tone, 12_345, 7);
            writer.write(tone, 12_352, tone.length - 12_352);
            assertThat(writer.samplesWritten()).isEqualTo(20_000);
            writer.finish();
        }

        assertThat(Files.size(file)).isEqualTo(44 + 2 * 20_000);
        assertThat(WavTestFiles.headerBytes(file)).containsExactly(WavHeader.pcm16(44_100, 1, 40_000).toBytes());
        WavTestFiles.Wav wav = WavTestFiles.read(file);
        assertThat(wav.header()).isEqualTo(new WavHeader(44_100, 1, 16, 40_000));
        assertThat(wav.samples()).isEqualTo(tone);
    }

    @Test
    void stereoFileCountsSampleFrames() throws Exception {
        Path file = dir.resolve("stereo.wav");
        short[] interleaved = new short[2 * 3_000];
        for (int i = 0; i < interleaved.length; i++) {
            interleaved[i] = (short) (i % 2 == 0 ? i : -i);
        }
        try (WavFileWriter writer = new WavFileWriter(file, 8_000, 2)) {
            writer.write(interleaved, 0, interleaved.length);
            assertThat(writer.samplesWritten()).isEqualTo(3_000);
            assertThat(writer.dataBytes()).isEqualTo(12_000);
        }

        assertThat(Files.size(file)).isEqualTo(44 + 4 * 3_000);
        WavTestFiles.Wav wav = WavTestFiles.read(file);
        assertThat(wav.header()).isEqualTo(new WavHeader(8_000, 2, 16, 12_000));
        assertThat(wav.samples()).isEqualTo(interleaved);
    }

    @Test
    void neverHoldsBackMoreThanAQuarterSecondOfAudioFromTheFile() throws Exception {
        // At 8 kHz, 16 KiB of buffer would be a second of audio that a crash loses.
        Path file = dir.resolve("narrowband.wav");
        short[] tone = new ToneGenerator(8_000, 440, 12_000).generate(0, 8_000);
        try (WavFileWriter writer = new WavFileWriter(file, 8_000, 1)) {
            for (int frame = 0; frame < 50; frame++) {
                writer.write(tone, frame * 160, 160);
                long onDisk = Files.size(file) - 44;
                assertThat(writer.dataBytes() - onDisk).as("bytes not yet in the file after frame " + frame)
                        .isLessThanOrEqualTo(2 * 8_000 / 4);
            }
        }
    }

    @Test
    void isReadableByTheServerOnly() throws Exception {
        Path file = dir.resolve("private/2026/12/02/call.wav");
        PrivateFiles.createDirectories(file.getParent());
        try (WavFileWriter writer = new WavFileWriter(file, 8_000, 1)) {
            writer.write(new short[160], 0, 160);
        }

        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("private")))).isEqualTo("rwx------");
    }

    @Test
    void patchesAStretchAlreadyWrittenWithoutChangingTheLength() throws Exception {
        Path file = dir.resolve("patched.wav");
        short[] ones = new short[20_000];
        Arrays.fill(ones, (short) 1);
        short[] patch = new short[9_000];
        Arrays.fill(patch, (short) 7);
        try (WavFileWriter writer = new WavFileWriter(file, 44_100, 1)) {
            writer.write(ones, 0, ones.length);
            // Straddles what reached the file and what is still buffered.
            writer.writeAt(10_000, patch, 0, patch.length);
            short[] back = new short[9_000];
            writer.readAt(10_000, back, 0, back.length);
            assertThat(back).isEqualTo(patch);
            assertThat(writer.samplesWritten()).isEqualTo(20_000);
        }

        short[] expected = ones.clone();
        Arrays.fill(expected, 10_000, 19_000, (short) 7);
        assertThat(WavTestFiles.read(file).samples()).isEqualTo(expected);
        assertThat(Files.size(file)).isEqualTo(44 + 2 * 20_000);
    }

    @Test
    void declaresNoDataUntilFinishedSoACrashIsRecognisable() throws Exception {
        Path file = dir.resolve("open.wav");
        try (WavFileWriter writer = new WavFileWriter(file, 44_100, 1)) {
            writer.write(new short[882], 0, 882);
            writer.flush();

            assertThat(Files.size(file)).isEqualTo(44 + 1_764);
            assertThat(WavTestFiles.headerBytes(file)).containsExactly(WavHeader.pcm16(44_100, 1, 0).toBytes());
        }
        assertThat(WavHeader.parse(WavTestFiles.headerBytes(file)).dataBytes()).isEqualTo(1_764);
    }

    @Test
    void samplesReachTheFileAsTheBufferFillsWithoutWaitingForFinish() throws Exception {
        Path file = dir.resolve("streaming.wav");
        short[] frame = new ToneGenerator(44_100, 440, 12_000).generate(0, 882);
        try (WavFileWriter writer = new WavFileWriter(file, 44_100, 1)) {
            for (int i = 0; i < 500; i++) { // 10 s of 20 ms frames
                writer.write(frame, 0, frame.length);
            }

            long written = 44 + 2L * 500 * 882;
            assertThat(Files.size(file)).as("at most 16 KiB still buffered")
                    .isBetween(written - 16 * 1024, written);
        }
    }

    @Test
    void closeIsIdempotentAndTheWriterRefusesLaterWrites() throws Exception {
        Path file = dir.resolve("closed.wav");
        WavFileWriter writer = new WavFileWriter(file, 16_000, 1);
        writer.write(new short[] { 1, 2, 3 }, 0, 3);
        writer.finish();
        byte[] finished = Files.readAllBytes(file);

        writer.close();
        writer.finish();

        assertThat(Files.readAllBytes(file)).containsExactly(finished);
        assertThat(writer.isOpen()).isFalse();
        assertThatThrownBy(() -> writer.write(new short[1], 0, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void neverOverwritesAnExistingRecording() throws Exception {
        Path file = dir.resolve("exists.wav");
        Files.write(file, new byte[] { 42 });

        assertThatThrownBy(() -> new WavFileWriter(file, 44_100, 1)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readAllBytes(file)).containsExactly(42);
    }

    @Test
    void refusesHalfAStereoFrame() throws Exception {
        try (WavFileWriter writer = new WavFileWriter(dir.resolve("half.wav"), 44_100, 2)) {
            assertThatThrownBy(() -> writer.write(new short[3], 0, 3)).isInstanceOf(IllegalArgumentException.class);
            assertThat(writer.samplesWritten()).isZero();
        }
    }

    @Test
    void truncateCutsBackToWholeFrames() throws Exception {
        Path file = dir.resolve("cut.wav");
        short[] ramp = new short[1_000];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = (short) i;
        }
        try (WavFileWriter writer = new WavFileWriter(file, 8_000, 2)) {
            writer.write(ramp, 0, ramp.length);
            writer.truncate(300);
            writer.write(new short[] { -1, -2 }, 0, 2);
        }

        WavTestFiles.Wav wav = WavTestFiles.read(file);
        assertThat(wav.header().sampleFrames()).isEqualTo(301);
        assertThat(wav.fileSize()).isEqualTo(44 + 4 * 301);
        assertThat(Arrays.copyOf(wav.samples(), 600)).containsExactly(Arrays.copyOf(ramp, 600));
        assertThat(wav.samples()[600]).isEqualTo((short) -1);
    }
}
