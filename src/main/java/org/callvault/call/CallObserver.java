package org.callvault.call;

import java.util.List;

/** Sees every call change, e.g. to broadcast it to all agent consoles. Must not block. */
public interface CallObserver {

    /** A change every console may see (any state but ringing). */
    void callChanged(CallView call);

    /** A ringing call, for the consoles it rings at (and only those): see {@link AgentRoster}. */
    default void callOffered(CallView call, List<CallParty> consoles) {
        callChanged(call);
    }

    /** These consoles no longer ring for this call (the agent went away, or longest-idle moved on). */
    default void offerWithdrawn(String callId, List<CallParty> consoles) {
    }

    /**
     * Several nodes: what this node knew of the others' calls was put right (after a Redis outage, or
     * a node's restart): consoles should be sent a fresh list ({@link CallService#liveCalls(CallParty, boolean)}).
     */
    default void callsResynchronised() {
    }
}
