package org.callvault.transport.sip;

/**
 * An SDP offer CallVault cannot answer: {@code status} is the SIP response it earns (400 for a
 * malformed body, 488 for one that is well formed but offers nothing we speak), {@code reason}
 * says why, in words the peer's log can show.
 */
final class SdpException extends Exception {

    private final int status;

    SdpException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
