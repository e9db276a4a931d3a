package org.callvault.call;

import org.callvault.media.Bridge;

/**
 * A call CallVault records but does not carry (a SIPREC session): a row in the call history and a
 * recording, fed through a bridge whose tracks are the recorded streams. No agent answers it and no
 * console rings for it; the session that opened it ends it.
 */
public interface RecordedCall {

    String callId();

    /** Where the streams' frames go: track 0 is the left channel (or the mix), track 1 the right. */
    Bridge bridge();

    /** What the recording client says of the session (at the start, and again after an update). */
    void describe(RecordingSessionFacts facts);

    /**
     * The recording client paused (true) or resumed (false) the recording, as SBCs do while a card
     * number is read out: the interval is kept on the session, its audio is silence (or cut out).
     *
     * @param playoutNanos how long the streams still hand over audio they received before this
     *                     moment (their jitter buffers): a cut in the file begins that much later,
     *                     so the last words before the pause stay in, and its end moves by the
     *                     pause's delay, so the cut is as long as the interval kept
     */
    void paused(boolean paused, long playoutNanos);

    /** A key pressed on one of the recorded streams (RFC 4733), placed on the call's timeline. */
    void dtmf(char digit);

    /** The session is over: the recording is finished at this moment and the row closed. Idempotent. */
    void end(EndReason reason);

    /** Whether {@link #end} has run. */
    boolean ended();
}
