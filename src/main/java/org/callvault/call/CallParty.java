package org.callvault.call;

/**
 * One party's signaling channel as the call sees it (a browser's event socket today, a SIP dialog
 * later). Implementations must not block: they queue the message and return.
 */
public interface CallParty {

    /** The call changed state. */
    void callChanged(CallView call);

    /** This party now belongs to the call; the token lets a reloaded page re-attach. */
    void legAssigned(String callId, LegRole role, String resumeToken);

    /** The call is answered: open the media channel with this token. */
    void mediaReady(String callId, LegRole role, String mediaToken);

    /**
     * Who this party is, for binding a leg to it: a resume token only re-attaches a channel of the
     * same owner (the same agent user; the same caller session), so a leaked or guessed token
     * cannot hand a leg to somebody else.
     */
    String owner();

    /** Another channel of the same owner resumed this leg: this one no longer speaks for it. */
    void replaced(String callId, LegRole role);

    /**
     * Several nodes: a command this party sent for a call of another node was refused there
     * ({@code code} is a {@link CallErrorCode} wire name). One node never calls it.
     */
    default void refused(String action, String callId, String code, String message) {
    }

    /**
     * Whether this party's media speaks Opus (it agreed to on its event socket): when both parties
     * do, a stereo Ogg Opus recording can store their packets as they are.
     */
    default boolean speaksOpus() {
        return false;
    }
}
