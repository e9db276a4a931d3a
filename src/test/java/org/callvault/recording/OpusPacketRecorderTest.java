package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.callvault.media.AudioFormat;
import org.callvault.media.MediaFrame;
import org.callvault.media.ToneDetector;
import org.callvault.media.codec.OpusCodec;
import org.callvault.media.codec.OpusWire;
import org.callvault.support.OggFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder that stores Opus talkers' own packets: a real two-stream Ogg Opus file, decoded
 * back with libopus (or Concentus) and measured: its length, each party's tone in its own
 * channel, where the tone starts, and what late, repeated, jumping and drifting packets do.
 */
class OpusPacketRecorderTest {

    private static final AudioFormat FORMAT = AudioFormat.DEFAULT;
    private static final int CALL_FRAME = FORMAT.samplesPerFrame(); // 882
    private static final int PACKET = OpusWire.SAMPLES_PER_FRAME; // 960
    private static final int RATE = OggFile.SAMPLE_RATE;

    @TempDir
    Path dir;

    /** Real Opus frames of a tone, as a browser sends them: 20 ms, timestamps at 48 kHz from {@code firstTimestamp}. */
    private static List<byte[]> toneFrames(double frequency, int count, long firstTimestamp) {
        OpusCodec.Encoder encoder = OpusCodec.newEncoder(1, OpusWire.BITRATE, 5);
        try {
            List<byte[]> frames = new ArrayList<>();
            short[] pcm = new short[PACKET];
            byte[] packet = new byte[OpusCodec.MAX_PACKET];
            for (int k = 0; k < count; k++) {
                for (int i = 0; i < PACKET; i++) {
                    pcm[i] = (short) Math.round(8_000 * Math.sin(2 * Math.PI * frequency * (k * PACKET + i) / RATE));
                }
                int length = encoder.encode(pcm, 0, PACKET, packet, 0);
                byte[] frame = new byte[MediaFrame.HEADER_BYTES + length];
                MediaFrame.writeHeader(frame, OpusWire.KIND_OPUS, k, firstTimestamp + (long) k * PACKET);
                System.arraycopy(packet, 0, frame, MediaFrame.HEADER_BYTES, length);
                frames.add(frame);
            }
            return frames;
        }
        finally {
            OpusCodec.release(encoder);
        }
    }

    /** Where a channel first reaches half its steady level, in ms, by 5 ms windows. */
    private static double onsetMs(short[] channel, int steadyFrom) {
        double steady = ToneDetector.rms(channel, steadyFrom, RATE / 2);
        int window = RATE / 200;
        for (int at = 0; at + window <= channel.length; at += window) {
            if (ToneDetector.rms(channel, at, window) > steady / 2) {
                return at * 1000.0 / RATE;
            }
        }
        return Double.NaN;
    }

    @Test
    void twoOpusTalkersAreStoredAsTheyCameEachInItsChannelAndTheFileLastsTheCall() throws IOException {
        Path file = dir.resolve("call.opus");
        OpusPacketRecorder recorder = new OpusPacketRecorder(file, FORMAT, 500);
        // The caller talks from the answer on; the agent's leg attaches at 0.5 s and its timestamps start at 0.
        List<byte[]> caller = toneFrames(1_000, 150, 123_456);
        List<byte[]> agent = toneFrames(440, 125, 0);
        for (int k = 0; k < 150; k++) {
            long now = (long) (k + 1) * CALL_FRAME;
            recorder.acceptOpus(0, caller.get(k), now);
            if (k >= 25) {
                recorder.acceptOpus(1, agent.get(k - 25), now);
            }
            recorder.advance(now);
        }
        long end = 150L * CALL_FRAME + 300; // the hang-up, 6.8 ms into the last frame
        RecordingResult result = recorder.finish(end);

        assertThat(recorder.completion()).isCompletedWithValue(true);
        assertThat(result.samples()).isEqualTo(end);
        assertThat(result.framesAccepted()).isEqualTo(275);
        OggFile ogg = OggFile.read(file);
        assertThat(OggOpusReader.header(file).mappingFamily()).isEqualTo(1);
        assertThat(ogg.channels()).isEqualTo(2);
        // Exactly the call's length at 48 kHz (within the one sample the rates' ratio rounds).
        assertThat(ogg.frames()).isBetween(end * RATE / FORMAT.sampleRate() - 1, end * RATE / FORMAT.sampleRate() + 1);
        short[] left = ogg.channel(0);
        short[] right = ogg.channel(1);
        assertThat(ToneDetector.relativePower(left, RATE, RATE, 1_000, RATE)).isGreaterThan(0.9);
        assertThat(ToneDetector.relativePower(right, RATE, RATE, 440, RATE)).isGreaterThan(0.9);
        // Each party stays out of the other's channel: two streams, nothing shared.
        assertThat(ToneDetector.relativePower(left, RATE, RATE, 440, RATE)).isLessThan(0.01);
        assertThat(ToneDetector.relativePower(right, RATE, RATE, 1_000, RATE)).isLessThan(0.01);
        // The caller's first packet set the grid: it is where it arrived. The agent starts where its leg
        // attached (0.5 s), within the half packet a whole-packet slot allows.
        assertThat(onsetMs(left, RATE)).isLessThan(5.0);
        assertThat(onsetMs(right, RATE)).isBetween(490.0, 515.0);
    }

    @Test
    void aPacketSecondsLateIsStillPlacedADuplicateIsNotAndOneBeyondTheHoldIsDropped() throws IOException {
        Path file = dir.resolve("late.opus");
        OpusPacketRecorder recorder = new OpusPacketRecorder(file, FORMAT, 500);
        List<byte[]> caller = toneFrames(1_000, 500, 0);
        byte[] heldBack = caller.get(100);
        byte[] farTooLate = caller.get(10);
        for (int k = 0; k < 500; k++) {
            long now = (long) (k + 1) * CALL_FRAME;
            if (k != 100 && k != 10) {
                recorder.acceptOpus(0, caller.get(k), now);
            }
            if (k == 250) {
                recorder.acceptOpus(0, heldBack, now); // 3 s late: inside the 5.5 s hold
                recorder.acceptOpus(0, heldBack, now); // and again: a repeat
            }
            recorder.advance(now);
            if (k == 400) {
                recorder.acceptOpus(0, farTooLate, now); // 7.8 s late: its slot is written
            }
        }
        RecordingResult result = recorder.finish(500L * CALL_FRAME);

        assertThat(result.framesAccepted()).isEqualTo(499);
        assertThat(result.duplicateFrames()).isEqualTo(1);
        assertThat(result.tooLateFrames()).isEqualTo(1);
        short[] left = OggFile.read(file).channel(0);
        // Packet 100's 20 ms is tone, not a hole; packet 10's is the hole (silence).
        assertThat(ToneDetector.rms(left, 100 * PACKET + 240, 480)).isGreaterThan(4_000);
        assertThat(ToneDetector.rms(left, 10 * PACKET + 240, 480)).isLessThan(2_000);
    }

    @Test
    void aSenderThatJumpsItsTimestampsIsAnchoredAgainAndGoesOnInPlace() throws IOException {
        Path file = dir.resolve("jump.opus");
        OpusPacketRecorder recorder = new OpusPacketRecorder(file, FORMAT, 500);
        List<byte[]> before = toneFrames(1_000, 100, 0);
        List<byte[]> after = toneFrames(1_000, 100, 48_000 * 600L); // ten minutes ahead
        for (int k = 0; k < 200; k++) {
            long now = (long) (k + 1) * CALL_FRAME;
            recorder.acceptOpus(0, k < 100 ? before.get(k) : after.get(k - 100), now);
            recorder.advance(now);
        }
        RecordingResult result = recorder.finish(200L * CALL_FRAME);

        assertThat(result.resyncs()).isEqualTo(1);
        assertThat(result.tooEarlyFrames()).isEqualTo(2); // the jump costs two packets
        short[] left = OggFile.read(file).channel(0);
        assertThat(ToneDetector.rms(left, 160 * PACKET, 20 * PACKET)).isGreaterThan(4_000);
    }

    @Test
    void aSenderWhoseClockRunsFastLosesWholePacketsToStayInStepAndTheFileStillLastsTheCall() throws IOException {
        Path file = dir.resolve("drift.opus");
        OpusPacketRecorder recorder = new OpusPacketRecorder(file, FORMAT, 500);
        // 0.5 % fast: 3,015 packets of 20 ms arrive in 60 s of server time.
        int packets = 3_015;
        List<byte[]> caller = toneFrames(1_000, packets, 0);
        long end = 60L * FORMAT.sampleRate();
        for (int k = 0; k < packets; k++) {
            long now = Math.round((k + 1) * (double) end / packets);
            recorder.acceptOpus(0, caller.get(k), now);
            recorder.advance(now);
        }
        RecordingResult result = recorder.finish(end);

        // 15 packets too many; the first two seconds set the baseline, then one step per packet of drift.
        assertThat(result.driftCorrections()).isBetween(12L, 15L);
        assertThat(result.driftSamplesSkipped()).isEqualTo(result.driftCorrections() * CALL_FRAME);
        assertThat(result.samples()).isEqualTo(end);
        OggFile ogg = OggFile.read(file);
        assertThat(ogg.frames()).isEqualTo(60L * RATE);
        assertThat(ToneDetector.relativePower(ogg.channel(0), 55 * RATE, RATE, 1_000, RATE)).isGreaterThan(0.9);
    }

    @Test
    void aPcmFrameOnAPacketRecordingIsEncodedAtTheRecorderAndPlacedInItsChannel() throws IOException {
        Path file = dir.resolve("pcm.opus");
        OpusPacketRecorder recorder = new OpusPacketRecorder(file, FORMAT, 500);
        List<byte[]> caller = toneFrames(1_000, 100, 0);
        short[] pcm = new short[CALL_FRAME];
        for (int k = 0; k < 100; k++) {
            long now = (long) (k + 1) * CALL_FRAME;
            recorder.acceptOpus(0, caller.get(k), now);
            for (int i = 0; i < CALL_FRAME; i++) {
                pcm[i] = (short) Math.round(8_000 * Math.sin(2 * Math.PI * 440 * (k * CALL_FRAME + i) / FORMAT.sampleRate()));
            }
            recorder.accept(1, (long) k * CALL_FRAME, pcm, 0, CALL_FRAME, now);
            recorder.advance(now);
        }
        recorder.finish(100L * CALL_FRAME);

        OggFile ogg = OggFile.read(file);
        assertThat(ToneDetector.relativePower(ogg.channel(1), RATE / 2, RATE, 440, RATE)).isGreaterThan(0.9);
        assertThat(ToneDetector.relativePower(ogg.channel(0), RATE / 2, RATE, 1_000, RATE)).isGreaterThan(0.9);
    }

    @Test
    void theFirstPacketSetsTheGridSoThatPartyLandsExactlyWhereItArrived() throws IOException {
        Path file = dir.resolve("phase.opus");
        OpusPacketRecorder recorder = new OpusPacketRecorder(file, FORMAT, 500);
        // 1 kHz from the first sample; the first packet arrives 7 ms into the second frame of the call,
        // so it ends 27 ms after the answer and covers 7..27 ms: off the 20 ms grid by 7 ms.
        List<byte[]> caller = toneFrames(1_000, 200, 5_000);
        long offset = FORMAT.samplesForMillis(7);
        for (int k = 0; k < 200; k++) {
            long now = (long) (k + 1) * CALL_FRAME + offset;
            recorder.acceptOpus(0, caller.get(k), now);
            recorder.advance(now);
        }
        recorder.finish(201L * CALL_FRAME);

        short[] left = OggFile.read(file).channel(0);
        int firstLoud = 0;
        while (Math.abs(left[firstLoud]) < 2_000) {
            firstLoud++;
        }
        // The tone's first peak is a quarter period (0.25 ms) after it starts: at 7.25 ms, not 0 or 20.
        assertThat(firstLoud * 1000.0 / RATE).isBetween(6.5, 8.0);
    }
}
