package org.callvault.call;

/**
 * One agent's share of a ringing call: from when it started ringing at the agent (any of their
 * consoles) to how that ended. Written with the call once it leaves RINGING ({@code call_offers}),
 * for the per-agent figures.
 */
final class RingOffer {

    /** How an offer ended. {@link #MISSED} and {@link #MOVED_ON} count as "missed while available". */
    enum Outcome {
        /** This agent answered. */
        ANSWERED,
        /** Another agent answered or declined it. */
        TAKEN,
        /** This agent declined it. */
        DECLINED,
        /** Longest-idle moved the call on to the next agent after the ring-each time. */
        MOVED_ON,
        /** The ring timeout ended the call while it rang here. */
        MISSED,
        /** The caller hung up. */
        CANCELLED,
        /** The agent went away, got busy or closed the console while it rang. */
        WITHDRAWN,
        /** The call failed (a leg vanished, shutdown). */
        FAILED
    }

    final String agent;
    final long offeredAt;
    long endedAt;
    Outcome outcome;

    RingOffer(String agent, long offeredAt) {
        this.agent = agent;
        this.offeredAt = offeredAt;
    }

    void end(Outcome how, long atMs) {
        if (outcome == null) {
            outcome = how;
            endedAt = atMs;
        }
    }
}
