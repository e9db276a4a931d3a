package org.callvault.loadtool;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The audio clock of one event loop: ticks every {@code tickNanos} on a fixed grid and lets each leg
 * send the frames that are due by then. A leg's frame {@code k} is due at {@code start + k * 20 ms};
 * a late tick sends every frame that has become due (catch-up by count, at most
 * {@link #MAX_CATCH_UP} per leg and tick), so the stream never drifts from the clock.
 */
final class Pacer implements Runnable {

    /** Something that sends a stream on this clock: a media socket leg, or a SIP phone's RTP. */
    interface Paced {
        /** False once it stopped talking; the pacer then forgets it. */
        boolean pacing();

        /** Sends every packet due by {@code now} (plus {@code earlyNanos} of tolerance). */
        void sendDue(long now, long earlyNanos);
    }

    /** At most one second of frames per leg and tick. */
    static final int MAX_CATCH_UP = 50;

    private final Run run;
    private final EventLoop loop;
    private final long tickNanos;
    private final Timeline timeline;
    private final ArrayList<Paced> legs = new ArrayList<>();
    private long t0;
    private long ticks;
    private long lastRunNanos;
    private ScheduledFuture<?> future;
    /** Largest delay of a tick beyond one period after the previous tick, in the steady window. */
    long tickLagMaxSteadyNs;
    long tickLagMaxNs;

    Pacer(Run run, EventLoop loop, long tickNanos, Timeline timeline) {
        this.run = run;
        this.loop = loop;
        this.tickNanos = tickNanos;
        this.timeline = timeline;
    }

    void start() {
        t0 = System.nanoTime() + tickNanos;
        future = loop.scheduleAtFixedRate(this, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    }

    void stop() {
        if (future != null) {
            future.cancel(false);
        }
    }

    /** The next grid point after {@code now}: where a newly opened leg starts its clock. */
    long nextTick(long now) {
        if (now < t0) {
            return t0;
        }
        return t0 + ((now - t0) / tickNanos + 1) * tickNanos;
    }

    long tickNanos() {
        return tickNanos;
    }

    /** Registers a leg; call on this loop. */
    void add(Paced leg) {
        legs.add(leg);
    }

    @Override
    public void run() {
        long now = System.nanoTime();
        // lateness = how much longer than one period the loop took to come back to this tick
        long lag = lastRunNanos == 0 ? 0 : now - lastRunNanos - tickNanos;
        lastRunNanos = now;
        ticks++;
        if (lag > tickLagMaxNs) {
            tickLagMaxNs = lag;
        }
        if (lag > tickLagMaxSteadyNs && run.inSteady(now)) {
            tickLagMaxSteadyNs = lag;
        }
        timeline.tickLag(now, run.steadyStart, lag);
        int w = 0;
        int n = legs.size();
        for (int r = 0; r < n; r++) {
            Paced leg = legs.get(r);
            if (!leg.pacing()) {
                continue;
            }
            legs.set(w++, leg);
            leg.sendDue(now, tickNanos / 2);
        }
        for (int r = n - 1; r >= w; r--) {
            legs.remove(r);
        }
    }

    int activeLegs() {
        return legs.size();
    }
}
