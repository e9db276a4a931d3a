package org.callvault.call;

/** Sees every call change, e.g. to broadcast it to all agent consoles. Must not block. */
public interface CallObserver {

    void callChanged(CallView call);
}
