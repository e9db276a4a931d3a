package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.callvault.media.AudioFormat;
import org.callvault.media.ToneDetector;
import org.callvault.media.ToneGenerator;
import org.callvault.support.WavFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reloaded page reconnects with media timestamps starting again at 0. */
class CallRecorderReanchorTest {

    private static final AudioFormat FORMAT = AudioFormat.DEFAULT;
    private static final int FRAME = 882;

    @TempDir
    Path dir;

    @Test
    void aLegThatRestartsItsTimestampsIsPlacedWhereItArrivesAfterReanchor() throws Exception {
        Path file = dir.resolve("call.wav");
        CallRecorder recorder = new CallRecorder(FORMAT, false, new WavFileWriter(file, 44_100, 1), 300);
        ToneGenerator tone = new ToneGenerator(44_100, 440, 8000);
        // First connection: 2 s of audio, timestamps 0.. on a leg that joined at call time 0.
        for (int i = 0; i < 100; i++) {
            recorder.accept(0, (long) i * FRAME, tone.generate((long) i * FRAME, FRAME), 0, FRAME, (long) (i + 1) * FRAME);
            recorder.advance((long) (i + 1) * FRAME);
        }
        // Page reload: 1 s of nothing, then a new socket whose timestamps start at 0 again.
        for (int i = 100; i < 150; i++) {
            recorder.advance((long) (i + 1) * FRAME);
        }
        recorder.reanchor(0);
        for (int i = 0; i < 100; i++) {
            long now = (long) (150 + i + 1) * FRAME;
            recorder.accept(0, (long) i * FRAME, tone.generate((long) i * FRAME, FRAME), 0, FRAME, now);
            recorder.advance(now);
        }
        RecordingResult result = recorder.finish(250L * FRAME);
        assertThat(result.samples()).isEqualTo(250L * FRAME);
        assertThat(result.tooLateFrames()).isZero();

        WavFile wav = WavFile.read(file);
        short[] samples = wav.samples();
        // Silence during the reload, the tone again right after it: nothing of the new connection lost.
        assertThat(ToneDetector.rms(samples, 110 * FRAME, 30 * FRAME)).isLessThan(1);
        assertThat(ToneDetector.relativePower(samples, 155 * FRAME, 90 * FRAME, 440, 44_100)).isGreaterThan(0.9);
    }
}
