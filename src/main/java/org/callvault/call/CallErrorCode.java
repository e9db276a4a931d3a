package org.callvault.call;

/** The documented error codes of docs/protocol.md that come from call rules. */
public enum CallErrorCode {
    FORBIDDEN("forbidden"),
    NOT_FOUND("not_found"),
    INVALID_STATE("invalid_state"),
    ALREADY_ANSWERED("already_answered"),
    BUSY("busy"),
    /** Too many calls are ringing already ({@code callvault.calls.max-ringing}). */
    LINES_BUSY("lines_busy"),
    RATE_LIMITED("rate_limited"),
    INVALID_TOKEN("invalid_token"),
    /** The leg already has a media channel open (close code 4409 on the media socket). */
    LEG_BUSY("leg_busy"),
    /** No new calls now: the database does not answer, or the server is stopping. */
    UNAVAILABLE("unavailable"),
    /** No new calls here: this node is stopping and lets its live calls finish; another node takes the call. */
    SERVER_DRAINING("server_draining"),
    /** The call's node was lost: its call is over (close code 4410 on the media socket). */
    SERVER_LOST("server_lost"),
    /**
     * A {@code resume} (or media socket) of a call carried by another node that has gone quiet but is
     * not declared lost yet: ask again after the hint (close code 4503 on the media socket).
     */
    TRY_AGAIN("try_again");

    private final String wireName;

    CallErrorCode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
