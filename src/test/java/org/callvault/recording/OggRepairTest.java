package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.callvault.media.AudioFormat;
import org.callvault.media.ToneGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crash repair of Ogg Opus recordings, on real files cut where a crash cuts them. */
class OggRepairTest {

    private static final int RATE = 44_100;
    private static final int STEP = RATE / 50;

    @TempDir
    Path dir;

    @Test
    void aPageTornByACrashIsCutAndTheRestPlaysUpToTheLastGoodGranule() throws Exception {
        Path file = dir.resolve("crashed.opus");
        OggOpusWriter writer = new OggOpusWriter(file, RATE, 2, 30_000, RecordingFormat.OPUS_COMPLEXITY, RATE / 2);
        short[] frame = new short[2 * STEP];
        ToneGenerator tone = new ToneGenerator(RATE, 1_000, 8_000);
        short[] one = new short[STEP];
        for (int i = 0; i < 250; i++) { // 5 s
            tone.fill(one, 0, STEP, (long) i * STEP);
            for (int s = 0; s < STEP; s++) {
                frame[2 * s] = one[s];
                frame[2 * s + 1] = one[s];
            }
            writer.write(frame, 0, frame.length);
        }
        writer.abandon(); // the process died: no last page, no EOS
        List<OggPages.Page> whole = OggOpusWriterTest.pages(file);
        OggPages.Page last = whole.get(whole.size() - 1);
        assertThat(last.eos()).isFalse();
        long sizeBefore = Files.size(file);
        // The crash tore a further page: half of one appended, as the OS had it when the power went.
        byte[] lastBytes = Files.readAllBytes(file);
        byte[] torn = java.util.Arrays.copyOfRange(lastBytes, (int) (sizeBefore - last.bytes()),
                (int) (sizeBefore - last.bytes() / 2));
        Files.write(file, torn, StandardOpenOption.APPEND);

        OggRepair.Result result = OggRepair.repair(file);

        int preSkip = OggOpusReader.header(file).preSkip();
        long frames48 = last.granule() - preSkip;
        assertThat(result.bytesTruncated()).isEqualTo(torn.length);
        assertThat(result.changed()).isTrue();
        assertThat(Files.size(file)).isEqualTo(sizeBefore);
        assertThat(result.durationMillis()).isEqualTo(frames48 * 1000 / 48_000).isBetween(3_000L, 4_500L);
        assertThat(result.samples()).isEqualTo(Math.round(frames48 * (double) RATE / 48_000));
        List<OggPages.Page> repaired = OggOpusWriterTest.pages(file); // every CRC checks, EOS rewritten
        assertThat(repaired.get(repaired.size() - 1).eos()).isTrue();
        short[] decoded = OggOpusWriterTest.decodeAll(file, 2);
        assertThat(decoded.length / 2).isEqualTo(frames48);
        OggOpusWriterTest.Tone left = OggOpusWriterTest.analyse(decoded, 2, 0, 0);
        assertThat(left.snrDb()).isGreaterThanOrEqualTo(25);

        OggRepair.Result again = OggRepair.repair(file);
        assertThat(again.changed()).as("a repaired file is left alone").isFalse();
        assertThat(again.samples()).isEqualTo(result.samples());
    }

    @Test
    void aFileCutInsideItsFirstAudioPageKeepsItsHeadersAndLastsZero() throws Exception {
        Path file = dir.resolve("short.opus");
        OggOpusWriter writer = new OggOpusWriter(file, RATE, 1, 24_000, RecordingFormat.OPUS_COMPLEXITY, 0);
        short[] frame = new short[STEP];
        for (int i = 0; i < 60; i++) {
            writer.write(frame, 0, STEP);
        }
        writer.abandon();
        long headers = RecordingFormat.OPUS.headerBytes();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(headers + 40); // mid-way through the first audio page
        }
        OggRepair.Result result = OggRepair.repair(file);
        assertThat(Files.size(file)).isEqualTo(headers);
        assertThat(result.samples()).isZero();
        assertThat(OggOpusWriterTest.decodeAll(file, 1)).isEmpty();
    }

    @Test
    void aCallRecordedInOpusLastsExactlyItsAnsweredTime() throws Exception {
        AudioFormat format = AudioFormat.DEFAULT;
        Path file = dir.resolve("call.opus");
        RecordingWriter writer = RecordingFormat.OPUS.open(file, format.sampleRate(), 2,
                (int) format.samplesForMillis(CallRecorder.LATE_AUDIO_KEPT_MILLIS));
        CallRecorder recorder = new CallRecorder(format, true, writer, 300);
        int frame = format.samplesPerFrame();
        short[] tone = new ToneGenerator(format.sampleRate(), 1_000, 8_000).generate(0, frame);
        long now = 0;
        short[] silence = new short[frame];
        for (int i = 0; i < 200; i++) { // 4 s, the caller speaking, the agent silent, its frame 100 held up
            now = (long) i * frame;
            recorder.accept(CallRecorder.CALLER, now, tone, 0, frame, now);
            if (i != 100) {
                recorder.accept(CallRecorder.AGENT, now, silence, 0, frame, now);
            }
            recorder.advance(now);
        }
        // A frame 2 s late: patched into the held PCM, as in a WAV file.
        recorder.accept(CallRecorder.AGENT, 100L * frame, tone, 0, frame, now);
        long latePlace = recorder.timelinePositionOf(CallRecorder.AGENT, 100L * frame);
        long end = now + frame + 1_234;
        RecordingResult result = recorder.finish(end);
        assertThat(result.samples()).isEqualTo(end);
        assertThat(recorder.samplesPatched()).isEqualTo(frame);
        short[] decoded = OggOpusWriterTest.decodeAll(file, 2);
        assertThat(decoded.length / 2).as("48 kHz frames").isEqualTo(Math.round(end * 48_000.0 / format.sampleRate()));
        double lateEnergy = 0;
        int at = (int) Math.round(latePlace * 48_000.0 / format.sampleRate());
        for (int i = at; i < at + 960; i++) {
            lateEnergy += (double) decoded[2 * i + 1] * decoded[2 * i + 1];
        }
        assertThat(Math.sqrt(lateEnergy / 960)).as("the late agent frame is in its channel").isGreaterThan(2_000);
        assertThat(RecordingFormat.OPUS.repair(file)).as("a finished file needs no repair").isEqualTo(end);
    }
}
