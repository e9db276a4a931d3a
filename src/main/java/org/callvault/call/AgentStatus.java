package org.callvault.call;

import java.util.Locale;

/** An agent console's presence: only AVAILABLE consoles ring (docs/protocol.md, {@code availability}). */
public enum AgentStatus {
    AVAILABLE,
    AWAY,
    /** Holds an answered call. */
    BUSY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
