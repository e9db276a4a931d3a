package org.callvault.transport.sip;

import javax.sip.message.Request;

/**
 * One INVITE dialog CallVault holds: a call it carries ({@link SipCall}) or a recording session it
 * is sent ({@link SiprecSession}). The dispatcher finds it by Call-ID for the in-dialog requests.
 */
interface SipSession {

    String sipCallId();

    /** CANCEL before the final response. */
    void cancelled();

    /** BYE from the peer, already answered 200. */
    void byeReceived();

    /** The dialog ended under us (no ACK, transport lost). */
    void dialogTerminated();

    /** A re-INVITE's body: returns the SDP answer, or refuses with the status to send. */
    String reoffer(Request request) throws SdpException;

    /**
     * An UPDATE in the dialog (RFC 3311): an SDP offer is taken as a re-INVITE's, no body is a
     * session refresh. Returns the SDP answer, or null when the UPDATE offered none.
     */
    default String update(Request request) throws SdpException {
        byte[] body = request.getRawContent();
        return body == null || body.length == 0 ? null : reoffer(request);
    }
}
