package org.callvault.media;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Joins the two legs of a call. A frame from one leg goes to the other leg's sink at once (no
 * buffering on the live path) and to the audio sink (the recorder) for placement by timestamp.
 * The bridge knows neither the transport of a leg nor how recording works.
 */
public final class Bridge {

    private static final int FORWARDED = 0;
    private static final int UNDELIVERED = 1;

    private final AudioSink recorder;
    private final AtomicReferenceArray<FrameSink> sinks = new AtomicReferenceArray<>(2);
    /** Per track: frames forwarded, frames that had no listener attached. */
    private final AtomicLongArray counters = new AtomicLongArray(4);
    private volatile boolean closed;

    public Bridge(AudioSink recorder) {
        this.recorder = recorder;
    }

    /** Attaches (or replaces, after a reconnect) the sink a leg listens on. */
    public synchronized void attach(int track, FrameSink sink) {
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
            counters.incrementAndGet(track * 2 + UNDELIVERED);
        }
        recorder.audio(track, frame, arrivalNanos);
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
