package org.callvault.recording;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

import org.callvault.media.AudioFormat;
import org.callvault.media.Mixer;
import org.callvault.recording.TrackTimeline.Placement;

/**
 * Records one call: two legs of frames in, one file out (WAV or Ogg Opus: {@link RecordingWriter}).
 *
 * <p>Frames are placed by <em>media timestamp</em> (each leg's own sample index), not by arrival
 * order, on a timeline driven by the <em>server clock</em>: {@code nowSample} is the number of
 * samples since the call was answered. Audio is held for a jitter window so late and reordered
 * frames still land in place, then mixed and written; a leg with nothing to say for a stretch is
 * written as silence. The file's length therefore follows the server clock, never the number of
 * frames received, and {@link #finish} makes it exactly the call's length.
 *
 * <p>Frame fates (counted in the {@link RecordingResult}):
 * <ul>
 * <li>in the window: placed, whatever the order; a repeated timestamp is a duplicate and dropped;</li>
 * <li>its place already written to the file, less than {@link #LATE_AUDIO_KEPT_MILLIS} ago: placed
 * by a patch of the file, exactly as if it had come in time (mono: mixed into what the other leg
 * left there; stereo: its channel overwritten);</li>
 * <li>older than that: too late, dropped (a frame straddling the limit keeps its newer part);</li>
 * <li>its place beyond the buffer: too early, <b>dropped, not clamped</b>. A leg cannot be ahead
 * of the server by more than its anchoring error, so such a frame means a timestamp jump;
 * clamping it to the buffer's end would play it at a wrong time and over other audio. Before
 * dropping, the recorder flushes what is due at {@code nowSample}, so a caller that was slow to
 * call {@link #advance} loses nothing. If a leg's frames keep missing the buffer (too early or too
 * late) for longer than the window plus one second, or three contiguous frames miss at the
 * sender's pace (a jump of its timestamps, forward or back), the leg has restarted its timestamps
 * and is re-anchored, rather than staying mute for the rest of the call.</li>
 * </ul>
 *
 * <p>Each leg is kept on the server clock despite the sender's sound card running up to ~100 ppm
 * off: see {@link TrackTimeline}. Memory is fixed when the recorder is made (two rings of twice the
 * window plus {@link #BURST_AHEAD_MILLIS} and a few frames, and one frame of mixing buffers) and
 * nothing is allocated per frame, late patches included.
 *
 * <p>Write failures surface as {@link UncheckedIOException}: the recorder thread handles a failed
 * recording per call, without a checked exception on every frame.
 *
 * <p>Not thread-safe: all methods are called by the one recorder thread that owns the call.
 */
public final class CallRecorder implements PartRecorder {

    public static final int CALLER = 0;
    public static final int AGENT = 1;

    private static final int MAX_WINDOW_MILLIS = 10_000;
    /**
     * How late a frame may arrive and still be recorded (patched into the file). TCP retransmits
     * and Wi-Fi stalls of a few seconds deliver everything afterwards in a burst.
     */
    static final int LATE_AUDIO_KEPT_MILLIS = 5_000;
    /**
     * Room for frames placed ahead of the flush point beyond twice the window: a leg anchored on a
     * frame that was itself held back places the backlog that follows it ahead, by up to the stall.
     */
    static final int BURST_AHEAD_MILLIS = 1_000;

    private final boolean stereo;
    private final RecordingWriter out;
    private final RingPool rings;
    private final long window;
    private final TrackTimeline[] tracks = new TrackTimeline[2];
    private final short[] callerChunk;
    private final short[] agentChunk;
    private final short[] stereoChunk;

    /** Timeline samples written to the file so far. */
    private long flushed;
    private long framesAccepted;
    private long duplicates;
    private long tooLate;
    private long tooEarly;
    private long samplesPatched;
    private boolean finishing;
    private RecordingResult result;

    /**
     * @param format       the media format both legs arrive in
     * @param stereo       caller left and agent right if true, both mixed into mono if false
     * @param out          a fresh writer with the same rate and 2 (stereo) or 1 channel(s); the
     *                     recorder finishes it
     * @param windowMillis how long audio waits for late and reordered frames before it is
     *                     written, e.g. 500; at least one frame, at most 10 s
     */
    public CallRecorder(AudioFormat format, boolean stereo, RecordingWriter out, int windowMillis) {
        this(format, stereo, out, windowMillis, RingPool.NONE);
    }

    /** As above, with the tracks' rings taken from {@code rings} and given back when the recording ends. */
    CallRecorder(AudioFormat format, boolean stereo, RecordingWriter out, int windowMillis, RingPool rings) {
        Objects.requireNonNull(format, "format");
        this.rings = rings;
        Objects.requireNonNull(out, "out");
        if (out.sampleRate() != format.sampleRate() || out.channels() != (stereo ? 2 : 1)) {
            throw new IllegalArgumentException("Writer is " + out.channels() + " channel(s) at " + out.sampleRate()
                    + " Hz, recorder needs " + (stereo ? 2 : 1) + " at " + format.sampleRate() + " Hz");
        }
        if (out.samplesWritten() != 0 || !out.isOpen()) {
            throw new IllegalArgumentException("The recorder needs a fresh writer: the timeline starts at sample 0");
        }
        if (windowMillis < format.frameMillis() || windowMillis > MAX_WINDOW_MILLIS) {
            throw new IllegalArgumentException("windowMillis must be " + format.frameMillis() + ".." + MAX_WINDOW_MILLIS
                    + ", got " + windowMillis);
        }
        this.stereo = stereo;
        this.out = out;
        this.window = format.samplesForMillis(windowMillis);
        int frame = format.samplesPerFrame();
        // Twice the window: frames may be placed ahead of the flush point by up to a window
        // (a caller that flushes late); a burst allowance (anchoring on a late first frame); four
        // frames of slack.
        int capacity = (int) (2 * window + format.samplesForMillis(BURST_AHEAD_MILLIS) + 4L * frame);
        long resyncAfter = window + format.sampleRate();
        long keepLate = Math.max(0, format.samplesForMillis(LATE_AUDIO_KEPT_MILLIS) - window);
        for (int track = 0; track < tracks.length; track++) {
            tracks[track] = new TrackTimeline(format.sampleRate(), frame, rings.take(capacity), resyncAfter, keepLate);
        }
        // One frame per flush step: drift is compensated between steps, so its rate does not
        // depend on how often the caller flushes.
        this.callerChunk = new short[frame];
        this.agentChunk = new short[frame];
        this.stereoChunk = stereo ? new short[2 * frame] : null;
    }

    /**
     * Places one frame of one leg.
     *
     * @param track          {@link #CALLER} (0) or {@link #AGENT} (1)
     * @param mediaTimestamp the leg's sample index of the frame's first sample
     * @param nowSample      the server clock when the frame arrived, in samples since the call
     *                       was answered
     */
    @Override
    public void accept(int track, long mediaTimestamp, short[] samples, int offset, int length, long nowSample) {
        ensureRecording();
        TrackTimeline timeline = timeline(track);
        Objects.checkFromIndexSize(offset, length, samples.length);
        if (length > timeline.capacity() / 2) {
            throw new IllegalArgumentException("A frame of " + length + " samples does not fit the jitter buffer");
        }
        if (length == 0) {
            return;
        }
        Placement placement = timeline.offer(mediaTimestamp, samples, offset, length, nowSample);
        if (placement == Placement.TOO_EARLY && flushTarget(nowSample) > flushed) {
            advance(nowSample);
            placement = timeline.offer(mediaTimestamp, samples, offset, length, nowSample);
        }
        if (placement == Placement.ACCEPTED && timeline.patchLength() > 0) {
            patch(track, timeline.patchPosition(), samples, timeline.patchOffset(), timeline.patchLength());
        }
        switch (placement) {
            case ACCEPTED -> framesAccepted++;
            case DUPLICATE -> duplicates++;
            case TOO_LATE -> tooLate++;
            case TOO_EARLY -> tooEarly++;
        }
    }

    /** A leg's media channel was (re)attached: its next frame sets its place on the timeline. */
    @Override
    public void reanchor(int track) {
        tracks[track].reanchorOnNextFrame();
    }

    /** Writes everything older than {@code nowSample} minus the window to the file. */
    @Override
    public void advance(long nowSample) {
        ensureRecording();
        flushTo(flushTarget(nowSample), nowSample, true);
    }

    /**
     * Ends the recording with exactly {@code endSample} sample frames: what is still buffered
     * before the end is written, silence pads up to it, audio beyond it is dropped (and if the
     * file had already been flushed past it, the file is cut back). The file is then finished.
     * Calling it again returns the same result.
     */
    @Override
    public RecordingResult finish(long endSample) {
        if (result != null) {
            return result;
        }
        ensureRecording();
        if (endSample < 0) {
            throw new IllegalArgumentException("endSample must not be negative, got " + endSample);
        }
        finishing = true;
        try {
            try {
                if (endSample < flushed) {
                    out.truncate(endSample);
                    flushed = endSample;
                }
                else {
                    // No drift steps now: the call is over and the last window is simply written out.
                    flushTo(endSample, Long.MIN_VALUE, false);
                }
            }
            finally {
                // Even after a failed write the file is closed with a valid header.
                out.finish();
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot finish recording " + out.path(), e);
        }
        result = snapshot();
        releaseRings();
        return result;
    }

    /**
     * Gives the tracks' rings back to their pool: after {@link #finish}, or when the recording is
     * abandoned after a failed write. The recorder takes no more audio afterwards.
     */
    @Override
    public void releaseRings() {
        finishing = true;
        for (int track = 0; track < tracks.length; track++) {
            if (tracks[track] != null) {
                rings.give(tracks[track].ring());
                tracks[track] = null;
            }
        }
    }

    /** Counters so far; {@code samples} is what has been flushed to the file. */
    @Override
    public RecordingResult progress() {
        return result != null ? result : snapshot();
    }

    @Override
    public void abandon() {
        out.abandon();
    }

    @Override
    public java.util.concurrent.CompletableFuture<Boolean> completion() {
        return out.completion();
    }

    /** Timeline samples written to the file so far. */
    public long samplesWritten() {
        return flushed;
    }

    /**
     * Where a leg's media timestamp lands on the call timeline right now, or
     * {@code Long.MIN_VALUE} before the leg's first frame. For diagnostics and tests: compare with
     * the server time at which that audio was heard to see how well the leg is kept in step.
     */
    public long timelinePositionOf(int track, long mediaTimestamp) {
        return timeline(track).timelinePositionOf(mediaTimestamp);
    }

    /** Samples of late frames written into the file after their place had been flushed. */
    public long samplesPatched() {
        return samplesPatched;
    }

    /**
     * Writes a late leg's samples into the stretch of file already written at timeline position
     * {@code position}, where that leg had left silence: added to the other leg in mono (the same
     * saturating sum the mixer makes), its own channel in stereo. Uses the mixing buffers, so
     * nothing is allocated.
     */
    private void patch(int track, long position, short[] samples, int offset, int length) {
        long from = Math.max(position, 0);
        long to = Math.min(position + length, flushed);
        try {
            while (from < to) {
                int count = (int) Math.min(callerChunk.length, to - from);
                int source = offset + (int) (from - position);
                if (stereo) {
                    out.readAt(from, stereoChunk, 0, 2 * count);
                    for (int i = 0; i < count; i++) {
                        stereoChunk[2 * i + track] = samples[source + i];
                    }
                    out.writeAt(from, stereoChunk, 0, 2 * count);
                }
                else {
                    out.readAt(from, callerChunk, 0, count);
                    Mixer.mix(callerChunk, 0, samples, source, callerChunk, 0, count);
                    out.writeAt(from, callerChunk, 0, count);
                }
                samplesPatched += count;
                from += count;
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot write recording " + out.path(), e);
        }
    }

    private long flushTarget(long nowSample) {
        return nowSample - window;
    }

    private void flushTo(long target, long nowSample, boolean compensateDrift) {
        TrackTimeline caller = tracks[CALLER];
        TrackTimeline agent = tracks[AGENT];
        while (flushed < target) {
            if (compensateDrift) {
                caller.compensateDrift(nowSample);
                agent.compensateDrift(nowSample);
            }
            int count = (int) Math.min(callerChunk.length, target - flushed);
            caller.read(callerChunk, 0, count);
            agent.read(agentChunk, 0, count);
            try {
                if (stereo) {
                    Mixer.interleave(callerChunk, 0, agentChunk, 0, stereoChunk, 0, count);
                    out.write(stereoChunk, 0, 2 * count);
                }
                else {
                    Mixer.mix(callerChunk, 0, agentChunk, 0, callerChunk, 0, count);
                    out.write(callerChunk, 0, count);
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException("Cannot write recording " + out.path(), e);
            }
            flushed += count;
        }
    }

    private RecordingResult snapshot() {
        TrackTimeline caller = tracks[CALLER];
        TrackTimeline agent = tracks[AGENT];
        return new RecordingResult(flushed, out.fileBytes(), framesAccepted, duplicates, tooLate,
                tooEarly, caller.corrections() + agent.corrections(),
                caller.samplesSkipped() + agent.samplesSkipped(),
                caller.samplesPadded() + agent.samplesPadded(),
                caller.resyncs() + agent.resyncs());
    }

    private TrackTimeline timeline(int track) {
        if (track != CALLER && track != AGENT) {
            throw new IllegalArgumentException("track must be 0 (caller) or 1 (agent), got " + track);
        }
        return tracks[track];
    }

    private void ensureRecording() {
        if (finishing) {
            throw new IllegalStateException("The recording is finished");
        }
    }
}
