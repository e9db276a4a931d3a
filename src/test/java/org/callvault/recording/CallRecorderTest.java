package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

import org.callvault.media.AudioFormat;
import org.callvault.media.Mixer;
import org.callvault.media.ToneDetector;
import org.callvault.media.ToneGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives a recorder with simulated time: every frame carries the server time at which it
 * "arrived", and the recorder is advanced every 20 ms of that clock, as the recorder thread does.
 * The caller sends 440 Hz and the agent 880 Hz, so the output can be checked sample by sample
 * against the tones and by ear (ToneDetector) at the same time.
 */
class CallRecorderTest {

    private static final AudioFormat FORMAT = AudioFormat.DEFAULT;
    private static final int RATE = FORMAT.sampleRate();
    private static final int FRAME = FORMAT.samplesPerFrame();
    private static final int WINDOW_MILLIS = 500;
    private static final int CALL_FRAMES = 250;
    private static final long CALL_SAMPLES = (long) CALL_FRAMES * FRAME; // 5 s
    private static final ToneGenerator CALLER_TONE = new ToneGenerator(RATE, 440, 8_000);
    private static final ToneGenerator AGENT_TONE = new ToneGenerator(RATE, 880, 8_000);

    @TempDir
    Path dir;

    private record Delivery(int track, long mediaTimestamp, short[] samples, long arrival) {

        Delivery arrivingAt(long newArrival) {
            return new Delivery(track, mediaTimestamp, samples, newArrival);
        }
    }

    @Test
    void monoCallHasTheExactLengthAndBothVoices() throws Exception {
        RecordingResult result = record("mono.wav", false, cleanCall(CALL_FRAMES), CALL_SAMPLES);

        WavTestFiles.Wav wav = WavTestFiles.read(dir.resolve("mono.wav"));
        assertThat(result.samples()).isEqualTo(220_500);
        assertThat(result.fileBytes()).isEqualTo(44 + 2 * 220_500);
        assertThat(wav.fileSize()).isEqualTo(44 + 2 * 220_500);
        assertThat(wav.header()).isEqualTo(new WavHeader(RATE, 1, 16, 2 * 220_500));

        short[] expected = new short[(int) CALL_SAMPLES];
        Mixer.mix(tone(CALLER_TONE, CALL_FRAMES), tone(AGENT_TONE, CALL_FRAMES), expected);
        assertSameSamples(wav.samples(), expected, "both legs in place to the sample");

        short[] samples = wav.samples();
        assertThat(ToneDetector.relativePower(samples, RATE, RATE, 440, RATE)).isBetween(0.45, 0.55);
        assertThat(ToneDetector.relativePower(samples, RATE, RATE, 880, RATE)).isBetween(0.45, 0.55);
        assertThat(ToneDetector.relativePower(samples, RATE, RATE, 1_000, RATE)).isLessThan(0.001);
        assertThat(result).isEqualTo(new RecordingResult(220_500, 44 + 2 * 220_500, 500, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void stereoKeepsTheCallerLeftAndTheAgentRight() throws Exception {
        RecordingResult result = record("stereo.wav", true, cleanCall(CALL_FRAMES), CALL_SAMPLES);

        WavTestFiles.Wav wav = WavTestFiles.read(dir.resolve("stereo.wav"));
        assertThat(result.samples()).isEqualTo(220_500);
        assertThat(wav.fileSize()).isEqualTo(44 + 4 * 220_500);
        assertThat(wav.header()).isEqualTo(new WavHeader(RATE, 2, 16, 4 * 220_500));
        short[] left = wav.channel(0);
        short[] right = wav.channel(1);
        assertSameSamples(left, tone(CALLER_TONE, CALL_FRAMES), "left = caller");
        assertSameSamples(right, tone(AGENT_TONE, CALL_FRAMES), "right = agent");
        for (int second = 0; second < 5; second++) {
            int from = second * RATE;
            assertThat(ToneDetector.relativePower(left, from, RATE, 440, RATE)).isGreaterThan(0.99);
            assertThat(ToneDetector.relativePower(left, from, RATE, 880, RATE)).isLessThan(0.001);
            assertThat(ToneDetector.relativePower(right, from, RATE, 880, RATE)).isGreaterThan(0.99);
            assertThat(ToneDetector.relativePower(right, from, RATE, 440, RATE)).isLessThan(0.001);
        }
    }

    @Test
    void missingFramesBecomeSilenceOfExactlyTheirLengthInTheRightPlace() throws Exception {
        List<Delivery> deliveries = new ArrayList<>(cleanCall(CALL_FRAMES));
        deliveries.removeIf(d -> d.track() == CallRecorder.CALLER && frameOf(d) >= 100 && frameOf(d) < 110);

        RecordingResult result = record("gap.wav", true, deliveries, CALL_SAMPLES);

        short[] left = WavTestFiles.read(dir.resolve("gap.wav")).channel(0);
        assertThat(left).hasSize((int) CALL_SAMPLES);
        int gapStart = 100 * FRAME;
        int gapEnd = 110 * FRAME;
        assertThat(ToneDetector.rms(left, gapStart, gapEnd - gapStart)).isZero();
        assertThat(ToneDetector.rms(left, gapStart - FRAME, FRAME)).isBetween(5_600.0, 5_700.0);
        assertThat(ToneDetector.rms(left, gapEnd, FRAME)).isBetween(5_600.0, 5_700.0);
        assertThat(ToneDetector.relativePower(left, gapEnd, FRAME, 440, RATE)).isGreaterThan(0.95);
        short[] expected = tone(CALLER_TONE, CALL_FRAMES);
        Arrays.fill(expected, gapStart, gapEnd, (short) 0);
        assertSameSamples(left, expected, "the tone exact around the gap, not shifted by it");
        assertThat(result.framesAccepted()).isEqualTo(490);
    }

    @Test
    void duplicatedFramesChangeNothing() throws Exception {
        List<Delivery> deliveries = new ArrayList<>(cleanCall(CALL_FRAMES));
        // Every third frame of both legs again, 60 ms later.
        for (Delivery d : cleanCall(CALL_FRAMES)) {
            if (frameOf(d) % 3 == 0) {
                deliveries.add(d.arrivingAt(d.arrival() + 3 * FRAME));
            }
        }

        RecordingResult result = assertSameFileAsCleanCall(deliveries);

        assertThat(result.duplicateFrames()).isEqualTo(2 * 84);
        assertThat(result.framesAccepted()).isEqualTo(500);
    }

    @Test
    void swappedNeighboursLandInPlace() throws Exception {
        RecordingResult result = assertSameFileAsCleanCall(perTrack(frames -> {
            // Frame 0 on time (it anchors the leg), then (1,2), (3,4)... each pair arriving
            // reversed when the second of them is due.
            for (int i = 1; i + 1 < frames.size(); i += 2) {
                Delivery first = frames.get(i);
                Delivery second = frames.get(i + 1);
                frames.set(i, second);
                frames.set(i + 1, first.arrivingAt(second.arrival()));
            }
            return frames;
        }));

        assertThat(result.framesAccepted()).isEqualTo(500);
    }

    @Test
    void framesShuffledWithin100msLandInPlace() throws Exception {
        Random random = new Random(42);
        RecordingResult result = assertSameFileAsCleanCall(perTrack(frames -> {
            List<Delivery> shuffled = new ArrayList<>(List.of(frames.get(0)));
            for (int start = 1; start < frames.size(); start += 5) {
                List<Delivery> block = new ArrayList<>(frames.subList(start, Math.min(start + 5, frames.size())));
                long due = block.get(block.size() - 1).arrival();
                Collections.shuffle(block, random);
                block.forEach(d -> shuffled.add(d.arrivingAt(due)));
            }
            return shuffled;
        }));

        assertThat(result.framesAccepted()).isEqualTo(500);
    }

    @Test
    void networkJitterNeitherMovesAudioNorTriggersDriftCorrection() throws Exception {
        int frames = 1_000; // 20 s: ten times the span of the lateness floor
        Random random = new Random(3);
        List<Delivery> jittered = new ArrayList<>();
        for (Delivery d : cleanCall(frames)) {
            // Up to 45 ms late, so frames overtake each other; each leg's first frame on time.
            long delay = frameOf(d) == 0 ? 0 : random.nextInt(2_000);
            jittered.add(d.arrivingAt(d.arrival() + delay));
        }

        RecordingResult result = record("jittered.wav", false, jittered, (long) frames * FRAME);
        record("clean.wav", false, cleanCall(frames), (long) frames * FRAME);

        assertThat(Files.mismatch(dir.resolve("jittered.wav"), dir.resolve("clean.wav"))).isEqualTo(-1);
        assertThat(result.driftCorrections()).isZero();
        assertThat(result.framesAccepted()).isEqualTo(2 * frames);
    }

    @Test
    void aFrameLaterThanTheLateAudioLimitIsDroppedAndCountedAndNothingElseMoves() throws Exception {
        int frames = 400; // 8 s
        List<Delivery> deliveries = new ArrayList<>();
        for (Delivery d : cleanCall(frames)) {
            boolean straggler = d.track() == CallRecorder.CALLER && frameOf(d) == 50;
            // Six seconds late: more than the five seconds late audio is kept for.
            deliveries.add(straggler ? d.arrivingAt(d.arrival() + 6 * RATE) : d);
        }

        RecordingResult result = record("straggler.wav", true, deliveries, (long) frames * FRAME);

        WavTestFiles.Wav wav = WavTestFiles.read(dir.resolve("straggler.wav"));
        short[] expectedLeft = tone(CALLER_TONE, frames);
        Arrays.fill(expectedLeft, 50 * FRAME, 51 * FRAME, (short) 0);
        assertSameSamples(wav.channel(0), expectedLeft, "left, silent only where the straggler belonged");
        assertSameSamples(wav.channel(1), tone(AGENT_TONE, frames), "right untouched");
        assertThat(result.tooLateFrames()).isEqualTo(1);
        assertThat(result.framesAccepted()).isEqualTo(2 * frames - 1);
        assertThat(result.resyncs()).isZero();
    }

    @Test
    void aLegHeldBackOneSecondThenDeliveredAtOnceLosesNothingInMono() throws Exception {
        // A Wi-Fi stall: the caller's frames of [1 s, 2 s) all arrive at 2 s, one second late
        // for the first of them, twice the jitter window.
        assertSameFileAsCleanCall(heldBack(CallRecorder.CALLER, 50, 100));
    }

    @Test
    void aLegHeldBackThreeSecondsThenDeliveredAtOnceLosesNothingInStereo() throws Exception {
        List<Delivery> deliveries = heldBack(CallRecorder.AGENT, 50, 200);
        Path file = dir.resolve("held-3s.wav");
        CallRecorder recorder = new CallRecorder(FORMAT, true, new WavFileWriter(file, RATE, 2), WINDOW_MILLIS);
        long release = 201L * FRAME;
        play(recorder, deliveries.stream().filter(d -> d.arrival() < release).toList());
        recorder.advance(release - 1);
        // The file does not wait for the stalled leg: a crash now loses the window, not the stall.
        assertThat(recorder.samplesWritten()).isEqualTo(release - 1 - (long) WINDOW_MILLIS * RATE / 1000);
        play(recorder, deliveries.stream().filter(d -> d.arrival() >= release).toList(), release);
        RecordingResult result = recorder.finish(CALL_SAMPLES);

        WavTestFiles.Wav wav = WavTestFiles.read(file);
        assertSameSamples(wav.channel(1), tone(AGENT_TONE, CALL_FRAMES), "right: all of the agent, 3 s late or not");
        assertSameSamples(wav.channel(0), tone(CALLER_TONE, CALL_FRAMES), "left untouched");
        assertThat(ToneDetector.relativePower(wav.channel(1), 2 * RATE, RATE, 880, RATE)).isGreaterThan(0.99);
        assertThat(result.framesAccepted()).isEqualTo(500);
        assertThat(result.tooLateFrames()).isZero();
        assertThat(result.driftCorrections()).isZero();
        assertThat(recorder.samplesPatched()).as("3 s minus the window went in as patches")
                .isEqualTo(150L * FRAME - (long) WINDOW_MILLIS * RATE / 1000);
    }

    @Test
    void aLegWhoseFirstSecondIsHeldBackKeepsTheBurstThatFollowsItsLateAnchor() throws Exception {
        // The caller's first 50 frames, the anchor among them, arrive together at 1 s: the leg
        // is anchored a second late and the backlog lands up to a second ahead of the flush point.
        List<Delivery> deliveries = heldBack(CallRecorder.CALLER, 0, 50);
        long end = CALL_SAMPLES + 49L * FRAME;

        RecordingResult result = record("burst-ahead.wav", true, deliveries, end);

        short[] left = WavTestFiles.read(dir.resolve("burst-ahead.wav")).channel(0);
        short[] expected = new short[(int) end];
        System.arraycopy(tone(CALLER_TONE, CALL_FRAMES), 0, expected, 49 * FRAME, (int) CALL_SAMPLES);
        assertSameSamples(left, expected, "the whole caller, 49 frames later (its anchor frame arrived that late)");
        assertThat(result.tooEarlyFrames()).isZero();
        assertThat(result.framesAccepted()).isEqualTo(500);
    }

    @Test
    void aTimestampJumpTenSecondsAheadCostsTwoFrames() throws Exception {
        assertJumpCostsTwoFrames(10L * RATE);
    }

    @Test
    void aTimestampJumpOneSecondBackCostsTwoFrames() throws Exception {
        assertJumpCostsTwoFrames(-RATE);
    }

    /** The caller's timestamps jump by {@code jump} at 2 s; its audio goes on as before. */
    private void assertJumpCostsTwoFrames(long jump) throws Exception {
        List<Delivery> deliveries = new ArrayList<>();
        for (Delivery d : cleanCall(CALL_FRAMES)) {
            if (d.track() == CallRecorder.CALLER && frameOf(d) >= 100) {
                d = new Delivery(d.track(), d.mediaTimestamp() + jump, d.samples(), d.arrival());
            }
            deliveries.add(d);
        }

        RecordingResult result = record("jump.wav", true, deliveries, CALL_SAMPLES);

        short[] left = WavTestFiles.read(dir.resolve("jump.wav")).channel(0);
        short[] expected = tone(CALLER_TONE, CALL_FRAMES);
        Arrays.fill(expected, 100 * FRAME, 102 * FRAME, (short) 0);
        assertSameSamples(left, expected, "left: two frames missing at the jump, the rest in place");
        assertThat(result.resyncs()).isEqualTo(1);
        assertThat(result.framesAccepted()).isEqualTo(498);
    }

    /** A clean call in which {@code track}'s frames {@code from..to-1} all arrive with frame {@code to-1}. */
    private static List<Delivery> heldBack(int track, int from, int to) {
        List<Delivery> deliveries = new ArrayList<>();
        long release = (long) to * FRAME;
        for (Delivery d : cleanCall(CALL_FRAMES)) {
            boolean held = d.track() == track && frameOf(d) >= from && frameOf(d) < to;
            deliveries.add(held ? d.arrivingAt(release) : d);
        }
        return deliveries;
    }

    @Test
    void aFrameFarAheadIsDroppedAsTooEarly() throws Exception {
        List<Delivery> deliveries = new ArrayList<>(cleanCall(CALL_FRAMES));
        // A glitch: timestamp 10 s in the future, arriving at 1 s.
        deliveries.add(new Delivery(CallRecorder.AGENT, 10L * RATE, new short[FRAME], RATE));
        short[] loud = new short[FRAME];
        Arrays.fill(loud, (short) 30_000);
        deliveries.add(new Delivery(CallRecorder.AGENT, 10L * RATE, loud, RATE));

        RecordingResult result = assertSameFileAsCleanCall(deliveries);

        assertThat(result.tooEarlyFrames()).isEqualTo(2);
        assertThat(result.framesAccepted()).isEqualTo(500);
    }

    @Test
    void aLegThatStopsSendingStillYieldsAFileAsLongAsTheCall() throws Exception {
        List<Delivery> deliveries = new ArrayList<>(cleanCall(CALL_FRAMES));
        deliveries.removeIf(d -> d.track() == CallRecorder.AGENT && frameOf(d) >= 100); // agent gone at 2 s

        RecordingResult result = record("stopped.wav", true, deliveries, CALL_SAMPLES);

        WavTestFiles.Wav wav = WavTestFiles.read(dir.resolve("stopped.wav"));
        assertThat(result.samples()).isEqualTo(CALL_SAMPLES);
        assertThat(wav.fileSize()).isEqualTo(44 + 4 * CALL_SAMPLES);
        short[] right = wav.channel(1);
        assertSameSamples(Arrays.copyOf(right, 100 * FRAME), tone(AGENT_TONE, 100), "agent until it stopped");
        assertThat(ToneDetector.rms(right, 100 * FRAME, (int) CALL_SAMPLES - 100 * FRAME)).isZero();
        assertSameSamples(wav.channel(0), tone(CALLER_TONE, CALL_FRAMES), "caller untouched");
        assertThat(result.driftCorrections()).isZero();
    }

    @Test
    void aLegThatRestartsItsTimestampsIsReanchoredInsteadOfStayingMute() throws Exception {
        List<Delivery> deliveries = new ArrayList<>();
        for (Delivery d : cleanCall(CALL_FRAMES)) {
            int frame = frameOf(d);
            if (d.track() == CallRecorder.CALLER && frame >= 100) {
                // The caller's client restarts at 2 s and counts from 0 again.
                long restarted = (long) (frame - 100) * FRAME;
                d = new Delivery(d.track(), restarted, CALLER_TONE.generate(restarted, FRAME), d.arrival());
            }
            deliveries.add(d);
        }

        RecordingResult result = record("restart.wav", true, deliveries, CALL_SAMPLES);

        short[] left = WavTestFiles.read(dir.resolve("restart.wav")).channel(0);
        // Its first two frames land on timestamps already placed; the third, arriving at the
        // sender's pace, shows the jump, and the leg is re-anchored on it: it ends "now", exactly
        // where it belongs.
        assertThat(result.resyncs()).isEqualTo(1);
        assertThat(result.duplicateFrames()).isEqualTo(2);
        assertThat(ToneDetector.rms(left, 100 * FRAME, 2 * FRAME)).isZero();
        short[] expected = new short[(int) CALL_SAMPLES];
        CALLER_TONE.fill(expected, 0, 100 * FRAME, 0);
        for (int frame = 102; frame < CALL_FRAMES; frame++) {
            CALLER_TONE.fill(expected, frame * FRAME, FRAME, (long) (frame - 100) * FRAME);
        }
        assertSameSamples(left, expected, "left, silent for two frames at the restart");
        assertThat(ToneDetector.relativePower(left, 4 * RATE, RATE, 440, RATE)).isGreaterThan(0.99);
    }

    @Test
    void finishWritesExactlyTheCallLengthEvenWhenAudioArrivesPastTheEnd() throws Exception {
        List<Delivery> longer = cleanCall(CALL_FRAMES + 25); // audio keeps coming until 5.5 s

        RecordingResult result = record("past-end.wav", true, longer, CALL_SAMPLES);

        WavTestFiles.Wav wav = WavTestFiles.read(dir.resolve("past-end.wav"));
        assertThat(result.samples()).isEqualTo(CALL_SAMPLES);
        assertThat(wav.fileSize()).isEqualTo(44 + 4 * CALL_SAMPLES);
        assertSameSamples(wav.channel(0), tone(CALLER_TONE, CALL_FRAMES), "audio right up to the end, none after");
    }

    @Test
    void finishCutsBackWhenTheFileWasAlreadyFlushedPastTheEnd() throws Exception {
        Path file = dir.resolve("cut.wav");
        CallRecorder recorder = new CallRecorder(FORMAT, false, new WavFileWriter(file, RATE, 1), WINDOW_MILLIS);
        play(recorder, cleanCall(CALL_FRAMES));
        recorder.advance(CALL_SAMPLES + 2L * RATE); // the recorder thread kept ticking after hang-up
        assertThat(recorder.samplesWritten()).isGreaterThan(CALL_SAMPLES);

        RecordingResult result = recorder.finish(CALL_SAMPLES);

        assertThat(result.samples()).isEqualTo(CALL_SAMPLES);
        assertThat(Files.size(file)).isEqualTo(44 + 2 * CALL_SAMPLES);
        assertThat(WavTestFiles.read(file).header().dataBytes()).isEqualTo(2 * CALL_SAMPLES);
    }

    @Test
    void finishPadsWithSilenceUpToTheEnd() throws Exception {
        RecordingResult result = record("padded.wav", false, cleanCall(CALL_FRAMES), CALL_SAMPLES + RATE);

        short[] samples = WavTestFiles.read(dir.resolve("padded.wav")).samples();
        assertThat(result.samples()).isEqualTo(CALL_SAMPLES + RATE);
        assertThat(samples).hasSize((int) CALL_SAMPLES + RATE);
        assertThat(ToneDetector.rms(samples, (int) CALL_SAMPLES, RATE)).isZero();
        assertThat(ToneDetector.rms(samples, (int) CALL_SAMPLES - FRAME, FRAME)).isGreaterThan(5_000);
    }

    @Test
    void aLegJoiningLateStartsWhereTheServerClockIsEvenIfNobodyFlushedMeanwhile() throws Exception {
        Path file = dir.resolve("late-join.wav");
        CallRecorder recorder = new CallRecorder(FORMAT, true, new WavFileWriter(file, RATE, 2), WINDOW_MILLIS);
        // The agent's first frame arrives 3 s into the call, before any advance(): the recorder
        // must flush the silent start to make room rather than drop it as too early.
        short[] frame = AGENT_TONE.generate(0, FRAME);
        recorder.accept(CallRecorder.AGENT, 0, frame, 0, FRAME, 3L * RATE);

        RecordingResult result = recorder.finish(4L * RATE);

        short[] right = WavTestFiles.read(file).channel(1);
        assertThat(result.framesAccepted()).isEqualTo(1);
        assertThat(result.tooEarlyFrames()).isZero();
        assertSameSamples(Arrays.copyOfRange(right, 3 * RATE - FRAME, 3 * RATE), frame, "the late joiner's first frame, ending at its arrival");
        assertThat(ToneDetector.rms(right, 0, 3 * RATE - FRAME)).isZero();
    }

    @Test
    void refusesMisuse() throws Exception {
        WavFileWriter monoWriter = new WavFileWriter(dir.resolve("misuse.wav"), RATE, 1);
        assertThatThrownBy(() -> new CallRecorder(FORMAT, true, monoWriter, WINDOW_MILLIS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel");
        assertThatThrownBy(() -> new CallRecorder(FORMAT, false, monoWriter, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("windowMillis");
        CallRecorder recorder = new CallRecorder(FORMAT, false, monoWriter, WINDOW_MILLIS);
        assertThatThrownBy(() -> recorder.accept(2, 0, new short[FRAME], 0, FRAME, FRAME))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("track");

        RecordingResult first = recorder.finish(FRAME);

        assertThat(recorder.finish(FRAME)).isSameAs(first);
        assertThatThrownBy(() -> recorder.accept(0, 0, new short[FRAME], 0, FRAME, FRAME))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> recorder.advance(10 * FRAME)).isInstanceOf(IllegalStateException.class);
    }

    // ---------------------------------------------------------------------------------------

    /** Sample-exact comparison that reports the first differing index instead of two huge arrays. */
    private static void assertSameSamples(short[] actual, short[] expected, String what) {
        assertThat(actual.length).as(what + ": length").isEqualTo(expected.length);
        int first = Arrays.mismatch(actual, expected);
        assertThat(first).as(what + ": first differing sample (%s)",
                first < 0 ? "none" : "got " + actual[first] + ", expected " + expected[first]).isEqualTo(-1);
    }

    /** Records the deliveries and checks the file is byte-identical to the clean call's. */
    private RecordingResult assertSameFileAsCleanCall(List<Delivery> deliveries) throws Exception {
        RecordingResult result = record("perturbed.wav", false, deliveries, CALL_SAMPLES);
        record("clean.wav", false, cleanCall(CALL_FRAMES), CALL_SAMPLES);

        assertThat(Files.mismatch(dir.resolve("perturbed.wav"), dir.resolve("clean.wav")))
                .as("first differing byte").isEqualTo(-1);
        assertThat(result.tooLateFrames()).isZero();
        assertThat(result.driftCorrections()).isZero();
        return result;
    }

    /** Each leg of a clean call rearranged by {@code perturbation} (frames in arrival order). */
    private static List<Delivery> perTrack(UnaryOperator<List<Delivery>> perturbation) {
        List<Delivery> all = new ArrayList<>();
        for (int track : new int[] { CallRecorder.CALLER, CallRecorder.AGENT }) {
            List<Delivery> leg = new ArrayList<>(cleanCall(CALL_FRAMES));
            leg.removeIf(d -> d.track() != track);
            all.addAll(perturbation.apply(leg));
        }
        return all;
    }

    /** Both legs start with the call (media timestamp 0) and each frame arrives as it ends. */
    private static List<Delivery> cleanCall(int frames) {
        List<Delivery> deliveries = new ArrayList<>();
        for (int frame = 0; frame < frames; frame++) {
            long timestamp = (long) frame * FRAME;
            long arrival = timestamp + FRAME;
            deliveries.add(new Delivery(CallRecorder.CALLER, timestamp, CALLER_TONE.generate(timestamp, FRAME), arrival));
            deliveries.add(new Delivery(CallRecorder.AGENT, timestamp, AGENT_TONE.generate(timestamp, FRAME), arrival));
        }
        return deliveries;
    }

    private static int frameOf(Delivery delivery) {
        return (int) (delivery.mediaTimestamp() / FRAME);
    }

    /** The tone as the recorder should write it: generated frame by frame, like the senders do. */
    private static short[] tone(ToneGenerator generator, int frames) {
        short[] samples = new short[frames * FRAME];
        for (int frame = 0; frame < frames; frame++) {
            generator.fill(samples, frame * FRAME, FRAME, (long) frame * FRAME);
        }
        return samples;
    }

    private RecordingResult record(String name, boolean stereo, List<Delivery> deliveries, long endSample)
            throws Exception {
        WavFileWriter writer = new WavFileWriter(dir.resolve(name), RATE, stereo ? 2 : 1);
        CallRecorder recorder = new CallRecorder(FORMAT, stereo, writer, WINDOW_MILLIS);
        play(recorder, deliveries);
        return recorder.finish(endSample);
    }

    /**
     * Feeds the deliveries in arrival order (ties keep list order) and advances the recorder on
     * every 20 ms tick of the simulated server clock in between, as the recorder thread would.
     */
    private static void play(CallRecorder recorder, List<Delivery> deliveries) {
        play(recorder, deliveries, FRAME);
    }

    private static void play(CallRecorder recorder, List<Delivery> deliveries, long firstTick) {
        List<Delivery> byArrival = new ArrayList<>(deliveries);
        byArrival.sort(Comparator.comparingLong(Delivery::arrival));
        long nextTick = firstTick;
        for (Delivery d : byArrival) {
            while (nextTick <= d.arrival()) {
                recorder.advance(nextTick);
                nextTick += FRAME;
            }
            recorder.accept(d.track(), d.mediaTimestamp(), d.samples(), 0, d.samples().length, d.arrival());
        }
    }
}
