package org.callvault.transport.sip.siprec;

/**
 * A SIPREC INVITE body CallVault cannot take: {@link #status()} is the SIP final response to answer
 * (400 malformed, 413 too large, 415 a body type we do not take, 488 nothing we can record), and the
 * message is the reason in words the SRC's log can show (for a Warning header or the reason phrase).
 * Metadata never raises it: unreadable metadata must not lose the audio (see {@link RecordingMetadata}).
 */
public final class SiprecException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    public SiprecException(int status, String reason) {
        // No stack trace: a hostile peer can make us build these at will, and the reason says it all.
        super(reason, null, false, false);
        this.status = status;
    }

    /** The SIP status code to answer with. */
    public int status() {
        return status;
    }
}
