package org.callvault.loadtool;

import io.netty.channel.EventLoop;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.ArrayList;
import java.util.List;

/** Everything owned by one event loop thread: its pacer, its calls and its delay recorders. */
final class LoopState {

    final EventLoop loop;
    final Pacer pacer;
    final List<CallSlot> slots = new ArrayList<>();
    /** Relay delay in microseconds: every delivery, and deliveries in the steady window. */
    final SingleWriterRecorder allDelayUs = Metrics.newRecorder();
    final SingleWriterRecorder steadyDelayUs = Metrics.newRecorder();
    /** Steady-window deliveries on calls that have no fault planned: "the other calls" of a fault run. */
    final SingleWriterRecorder steadyDelayNoFaultUs = Metrics.newRecorder();
    /** SIP calls, agent to SIP phone: agent frame sent to its RTP packet received, steady window. */
    final SingleWriterRecorder sipDelayUs = Metrics.newRecorder();
    /** The steady window slot by slot (see {@link Timeline}). */
    final Timeline timeline;
    private final Run run;
    /** Frame-building buffer of this loop's thread (see {@link Frame#writeMaskedMediaFrame}). */
    final byte[] scratch = new byte[65536];
    /** The sampled decoder of received Opus frames ({@code --codec opus}); null with PCM. */
    final OpusCheck opusCheck;

    LoopState(Run run, EventLoop loop, long tickNanos) {
        this.loop = loop;
        this.run = run;
        this.timeline = new Timeline(run.options.runSeconds);
        this.pacer = new Pacer(run, loop, tickNanos, timeline);
        this.opusCheck = run.options.opus ? new OpusCheck() : null;
    }

    void recordDelay(long now, long nanos, boolean steady, boolean faultCall) {
        long us = Math.max(1, nanos / 1000);
        if (us > Metrics.MAX_US) {
            us = Metrics.MAX_US;
        }
        allDelayUs.recordValue(us);
        if (steady) {
            steadyDelayUs.recordValue(us);
            if (!faultCall) {
                steadyDelayNoFaultUs.recordValue(us);
                timeline.frame(now, run.steadyStart, nanos);
            }
        }
    }

    void recordSipDelay(long now, long nanos, boolean steady) {
        if (steady) {
            sipDelayUs.recordValue(Math.max(1, Math.min(Metrics.MAX_US, nanos / 1000)));
        }
    }

    /** Something that happened to a call on this loop, for the timeline. */
    void event(Timeline.Event e) {
        timeline.event(e, System.nanoTime(), run.steadyStart);
    }
}
