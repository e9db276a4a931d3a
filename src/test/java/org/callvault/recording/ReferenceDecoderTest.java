package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.callvault.media.AudioFormat;
import org.callvault.media.MediaFrame;
import org.callvault.media.ToneDetector;
import org.callvault.media.ToneGenerator;
import org.callvault.media.codec.OpusCodec;
import org.callvault.media.codec.OpusWire;
import org.callvault.support.WavFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CallVault's Ogg Opus files played by the reference implementation, not only by our own reader:
 * {@code opusdec} of Xiph's opus-tools (Debian's package; .ci/run installs it) decodes a stereo
 * recording written from PCM (two encoded streams) and one stored from the talkers' own packets,
 * and each comes out as long as the call, with each party's tone in its own channel.
 */
class ReferenceDecoderTest {

    private static final AudioFormat FORMAT = AudioFormat.DEFAULT;
    private static final int CALL_FRAME = FORMAT.samplesPerFrame();
    private static final int FRAMES = 150;
    private static final long END = FRAMES * (long) CALL_FRAME + 123;

    @TempDir
    Path dir;

    @Test
    void aRecordingEncodedFromPcmPlaysInOpusdecAsLongAsTheCallWithEachPartyInItsChannel() throws Exception {
        Path file = dir.resolve("pcm.opus");
        CallRecorder recorder = new CallRecorder(FORMAT, true,
                new OggOpusWriter(file, FORMAT.sampleRate(), 2, 30_000, RecordingFormat.OPUS_COMPLEXITY,
                        (int) FORMAT.samplesForMillis(CallRecorder.LATE_AUDIO_KEPT_MILLIS)), 500);
        ToneGenerator caller = new ToneGenerator(FORMAT.sampleRate(), 1_000, 8_000);
        ToneGenerator agent = new ToneGenerator(FORMAT.sampleRate(), 440, 8_000);
        short[] samples = new short[CALL_FRAME];
        for (int k = 0; k < FRAMES; k++) {
            long now = (long) (k + 1) * CALL_FRAME;
            caller.fill(samples, 0, CALL_FRAME, (long) k * CALL_FRAME);
            recorder.accept(0, (long) k * CALL_FRAME, samples, 0, CALL_FRAME, now);
            agent.fill(samples, 0, CALL_FRAME, (long) k * CALL_FRAME);
            recorder.accept(1, (long) k * CALL_FRAME, samples, 0, CALL_FRAME, now);
            recorder.advance(now);
        }
        recorder.finish(END);

        assertPlaysAsTheCall(file);
    }

    @Test
    void aRecordingOfTheTalkersOwnPacketsPlaysInOpusdecAsLongAsTheCallWithEachPartyInItsChannel() throws Exception {
        Path file = dir.resolve("packets.opus");
        OpusPacketRecorder recorder = new OpusPacketRecorder(file, FORMAT, 500);
        List<byte[]> caller = opusTone(1_000);
        List<byte[]> agent = opusTone(440);
        for (int k = 0; k < FRAMES; k++) {
            long now = (long) (k + 1) * CALL_FRAME + 200; // off the 20 ms grid: the pre-skip carries the phase
            recorder.acceptOpus(0, caller.get(k), now);
            recorder.acceptOpus(1, agent.get(k), now);
            recorder.advance(now);
        }
        recorder.finish(END);

        assertPlaysAsTheCall(file);
    }

    private void assertPlaysAsTheCall(Path file) throws IOException, InterruptedException {
        Path wav = dir.resolve(file.getFileName() + ".wav");
        Process opusdec;
        try {
            opusdec = new ProcessBuilder("opusdec", "--quiet", "--rate", String.valueOf(FORMAT.sampleRate()),
                    file.toString(), wav.toString()).redirectErrorStream(true).start();
        }
        catch (IOException e) {
            throw new IllegalStateException("This test needs Xiph's opusdec: apt-get install -y opus-tools (.ci/run does it)", e);
        }
        String output = new String(opusdec.getInputStream().readAllBytes());
        assertThat(opusdec.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(opusdec.exitValue()).as("opusdec: " + output).isZero();
        WavFile decoded = WavFile.read(wav);
        assertThat(decoded.channels()).isEqualTo(2);
        // opusdec resamples 48 kHz to the rate asked for: within a couple of samples of the call.
        assertThat(decoded.frames()).isBetween(END - 2, END + 2);
        int second = FORMAT.sampleRate();
        assertThat(ToneDetector.relativePower(decoded.channel(0), second, second, 1_000, second)).isGreaterThan(0.9);
        assertThat(ToneDetector.relativePower(decoded.channel(1), second, second, 440, second)).isGreaterThan(0.9);
        assertThat(ToneDetector.relativePower(decoded.channel(0), second, second, 440, second)).isLessThan(0.01);
        Files.deleteIfExists(wav);
    }

    private static List<byte[]> opusTone(double frequency) {
        OpusCodec.Encoder encoder = OpusCodec.newEncoder(1, OpusWire.BITRATE, 5);
        try {
            ToneGenerator tone = new ToneGenerator(OpusWire.SAMPLE_RATE, frequency, 8_000);
            List<byte[]> frames = new ArrayList<>();
            short[] pcm = new short[OpusWire.SAMPLES_PER_FRAME];
            byte[] packet = new byte[OpusCodec.MAX_PACKET];
            for (int k = 0; k < FRAMES; k++) {
                tone.fill(pcm, 0, pcm.length, (long) k * pcm.length);
                int length = encoder.encode(pcm, 0, pcm.length, packet, 0);
                byte[] frame = new byte[MediaFrame.HEADER_BYTES + length];
                MediaFrame.writeHeader(frame, OpusWire.KIND_OPUS, k, (long) k * pcm.length);
                System.arraycopy(packet, 0, frame, MediaFrame.HEADER_BYTES, length);
                frames.add(frame);
            }
            return frames;
        }
        finally {
            OpusCodec.release(encoder);
        }
    }
}
