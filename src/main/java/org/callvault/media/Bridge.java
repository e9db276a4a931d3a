package org.callvault.media;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Joins the two legs of a call. A frame from one leg goes to the other leg's sink at once (no
 * buffering on the live path, except a few frames held while the other leg is not attached yet)
 * and to the audio sink (the recorder) for placement by timestamp.
 * The bridge knows neither the transport of a leg nor how recording works.
 */
public final class Bridge {

    private static final int FORWARDED = 0;
    private static final int UNDELIVERED = 1;

    /** At most this many frames (200 ms) wait for a listener that is not attached yet. */
    static final int HELD_FRAMES = 10;

    private final AudioSink recorder;
    /** Per listening track: frames from the other leg that arrived before it was attached. */
    private final ArrayDeque<byte[][]>[] heldFor = newHeldQueues();
    private final AtomicReferenceArray<FrameSink> sinks = new AtomicReferenceArray<>(2);
    /** Per track: frames forwarded, frames that had no listener attached. */
    private final AtomicLongArray counters = new AtomicLongArray(4);
    private volatile boolean closed;

    public Bridge(AudioSink recorder) {
        this.recorder = recorder;
    }

    /**
     * Attaches (or replaces, after a reconnect) the sink a leg listens on. Frames the other leg
     * sent while this one was not attached yet are delivered first, in order.
     */
    public synchronized void attach(int track, FrameSink sink) {
        // Drain before publishing: a talker that sees the new sink offers to it directly, and
        // must not overtake the frames held for it.
        ArrayDeque<byte[][]> held = heldFor[track];
        while (!closed && !held.isEmpty()) {
            byte[][] forms = held.poll();
            sink.offer(forms[0], forms[1]);
            counters.incrementAndGet((1 - track) * 2 + FORWARDED);
        }
        FrameSink previous = sinks.getAndSet(track, sink);
        recorder.legAttached(track);
        if (previous != null && previous != sink) {
            previous.close();
        }
        if (closed) {
            sink.close();
        }
    }

    public synchronized void detach(int track, FrameSink sink) {
        sinks.compareAndSet(track, sink, null);
    }

    public synchronized boolean isAttached(int track) {
        return sinks.get(track) != null;
    }

    /** A validated frame arrived from {@code track}: relay it and hand it to the recorder. */
    public void receive(int track, byte[] frame, long arrivalNanos) {
        if (closed) {
            return;
        }
        FrameSink listener = sinks.get(1 - track);
        if (listener != null) {
            listener.offer(frame);
            counters.incrementAndGet(track * 2 + FORWARDED);
        }
        else {
            holdForListener(track, frame, frame);
        }
        recorder.audio(track, frame, arrivalNanos);
    }

    /**
     * Whether a frame from {@code track} that came in another form than the call's PCM (an Opus
     * frame) must be decoded: the recorder wants PCM, or the listener cannot relay it as it is, or
     * no listener is attached yet (held frames go to whichever sink attaches). Asked per frame, so
     * a reconnect that changes the listener's codec takes effect at the next frame.
     */
    public boolean needsPcm(int track) {
        if (recorder.needsPcm(track)) {
            return true;
        }
        FrameSink listener = sinks.get(1 - track);
        return listener == null || !listener.takesOpus();
    }

    /**
     * A frame that came in another form than the call's PCM (an Opus frame) together with its
     * decoded PCM, or {@code null} when {@link #needsPcm} said no one needs it: the listener takes
     * the form it carries ({@link FrameSink#offer(byte[], byte[])}), the recorder the form it asked
     * for ({@link AudioSink#needsPcm}).
     */
    public void receive(int track, byte[] wire, byte[] pcm, long arrivalNanos) {
        if (closed) {
            return;
        }
        FrameSink listener = sinks.get(1 - track);
        if (listener != null && (pcm != null || listener.takesOpus())) {
            listener.offer(wire, pcm);
            counters.incrementAndGet(track * 2 + FORWARDED);
        }
        else if (pcm != null) {
            holdForListener(track, wire, pcm);
        }
        else {
            // The listener changed between the question and the frame (a reconnect): this one frame
            // cannot reach it undecoded.
            counters.incrementAndGet(track * 2 + UNDELIVERED);
        }
        boolean wantsPcm = recorder.needsPcm(track);
        if (!wantsPcm || pcm != null) {
            recorder.audio(track, wantsPcm ? pcm : wire, arrivalNanos);
        }
    }

    /** A leg's transport reports its running total of packets lost on the way (for the recording). */
    public void transportLoss(int track, long packetsLostSoFar) {
        if (!closed) {
            recorder.transportLoss(track, packetsLostSoFar);
        }
    }

    /**
     * The other leg has no sink yet: its media socket is open but its token is still being
     * checked, or it is reconnecting. Keep the newest few frames for it rather than losing the
     * first words of the call.
     */
    private synchronized void holdForListener(int track, byte[] wire, byte[] pcm) {
        FrameSink listener = sinks.get(1 - track);
        if (listener != null) {
            // attached meanwhile, after the held frames were handed over
            listener.offer(wire, pcm);
            counters.incrementAndGet(track * 2 + FORWARDED);
            return;
        }
        ArrayDeque<byte[][]> held = heldFor[1 - track];
        if (held.size() == HELD_FRAMES) {
            held.poll();
            counters.incrementAndGet(track * 2 + UNDELIVERED);
        }
        held.add(new byte[][] { wire, pcm });
    }

    @SuppressWarnings("unchecked")
    private static ArrayDeque<byte[][]>[] newHeldQueues() {
        return new ArrayDeque[] { new ArrayDeque<byte[][]>(HELD_FRAMES), new ArrayDeque<byte[][]>(HELD_FRAMES) };
    }

    public long forwarded(int track) {
        return counters.get(track * 2 + FORWARDED);
    }

    public long undelivered(int track) {
        return counters.get(track * 2 + UNDELIVERED);
    }

    /** The call ended: no more frames are taken, and both legs' channels are closed. */
    public void close() {
        FrameSink[] toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (int listener = 0; listener < 2; listener++) {
                counters.addAndGet((1 - listener) * 2 + UNDELIVERED, heldFor[listener].size());
                heldFor[listener].clear();
            }
            toClose = new FrameSink[] { sinks.getAndSet(0, null), sinks.getAndSet(1, null) };
        }
        for (FrameSink sink : toClose) {
            if (sink != null) {
                sink.close();
            }
        }
    }

    public boolean isClosed() {
        return closed;
    }
}
