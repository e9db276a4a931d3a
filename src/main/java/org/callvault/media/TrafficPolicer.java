package org.callvault.media;

/**
 * A token bucket kept in nanoseconds, for one socket's inbound traffic: the credit grows with the
 * time that passes, up to a burst allowance, and each message spends what it is worth (a frame, its
 * audio's duration; a signaling message, its share of the allowed rate). A message without credit
 * is to be dropped. Checked for every media frame on the network thread that read it, so it is a
 * few arithmetic operations: no allocation, no lock, no shared state (one policer per socket, used
 * by the one thread that reads it).
 */
public final class TrafficPolicer {

    /** Drops are counted in windows of this length to tell a catching-up client from a flood. */
    public static final long ABUSE_WINDOW_NANOS = 5_000_000_000L;

    private final long capacityNanos;
    private final int abusiveDrops;
    private long credit;
    private long last;
    private long windowStart;
    private int droppedInWindow;

    /**
     * @param capacityNanos what may be spent at once (the burst allowance)
     * @param abusiveDrops  more drops than this within {@link #ABUSE_WINDOW_NANOS} is abuse
     * @param nowNanos      {@code System.nanoTime()} now; the bucket starts full
     */
    public TrafficPolicer(long capacityNanos, int abusiveDrops, long nowNanos) {
        if (capacityNanos <= 0 || abusiveDrops < 0) {
            throw new IllegalArgumentException("capacity must be positive and abusive drops not negative");
        }
        this.capacityNanos = capacityNanos;
        this.abusiveDrops = abusiveDrops;
        this.credit = capacityNanos;
        this.last = nowNanos;
        this.windowStart = nowNanos;
    }

    /** Spends {@code costNanos} if there is that much credit; {@code false}: drop the message. */
    public boolean admit(long costNanos, long nowNanos) {
        long available = credit + (nowNanos - last);
        last = nowNanos;
        if (available > capacityNanos) {
            available = capacityNanos;
        }
        if (available >= costNanos) {
            credit = available - costNanos;
            return true;
        }
        credit = available;
        if (nowNanos - windowStart > ABUSE_WINDOW_NANOS) {
            windowStart = nowNanos;
            droppedInWindow = 0;
        }
        droppedInWindow++;
        return false;
    }

    /** More messages were dropped in the current window than a catching-up client would cause. */
    public boolean abusive() {
        return droppedInWindow > abusiveDrops;
    }
}
