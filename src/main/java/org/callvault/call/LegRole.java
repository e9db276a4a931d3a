package org.callvault.call;

import java.util.Locale;

/** The two parties of a call. Their ordinal is the recording track: caller 0 (left), agent 1 (right). */
public enum LegRole {
    CALLER,
    AGENT;

    public int track() {
        return ordinal();
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
