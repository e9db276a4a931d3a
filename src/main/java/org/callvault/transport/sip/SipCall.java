package org.callvault.transport.sip;

import java.util.concurrent.ThreadLocalRandom;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.callvault.call.CallException;
import org.callvault.call.CallParty;
import org.callvault.call.CallState;
import org.callvault.call.CallView;
import org.callvault.call.EndReason;
import org.callvault.call.LegRole;
import org.callvault.call.MediaAttachment;
import org.callvault.system.SerialExecutor;
import org.callvault.transport.sip.rtp.TelephoneEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller's leg of one inbound SIP call: the INVITE's server transaction and dialog, the RTP
 * port it holds, and the translation between call events and SIP. What the call does
 * (ringing, answered, declined, missed, ended) arrives through {@link CallParty} and becomes a
 * 180, 200 with SDP, 603, 480, 487 or BYE; what the SIP side does (CANCEL, BYE) becomes a hang-up.
 *
 * <p>Every SIP send happens under this object's monitor, so at most one final response goes out
 * and nothing follows it that the transaction forbids; call work runs on the signaling pool in the
 * order it was queued ({@link SerialExecutor}), never on JAIN-SIP's threads.
 */
final class SipCall implements CallParty, SipMediaLeg.Listener, SipSession {

    private static final Logger log = LoggerFactory.getLogger(SipCall.class);
    /** Retry-After of a draining node's 503: soon, since another node (or this one restarted) takes it. */
    static final int DRAINING_RETRY_AFTER_SECONDS = 5;

    private final SipDispatcher sip;
    private final ServerTransaction invite;
    private final Request request;
    private final SdpOffer offer;
    private final SipMediaLeg leg;
    private final String sipCallId;
    private final String sourceAddress;
    private final String toTag = Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final long sdpSession = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
    private final SerialExecutor work;

    private volatile String callId;
    private boolean finalSent;
    private boolean answered;
    private boolean byeReceived;
    private boolean byeSent;
    private boolean released;
    private int sdpVersion;
    private MediaAttachment media;

    SipCall(SipDispatcher sip, ServerTransaction invite, SdpOffer offer, SipMediaLeg leg, String sourceAddress) {
        this.sip = sip;
        this.invite = invite;
        this.request = invite.getRequest();
        this.offer = offer;
        this.leg = leg;
        this.sipCallId = SipDispatcher.callIdOf(request);
        this.sourceAddress = sourceAddress;
        this.work = new SerialExecutor(sip.pool()::schedule, "SIP call " + sipCallId);
        leg.listen(this);
    }

    @Override
    public String sipCallId() {
        return sipCallId;
    }

    /** Queues the dial; false when the signaling pool is saturated. */
    boolean start(CallerIdentity caller) {
        return work.submit(() -> dial(caller));
    }

    private void dial(CallerIdentity caller) {
        synchronized (this) {
            if (finalSent) {
                release(); // cancelled before it rang
                return;
            }
        }
        // Nobody available: the call service makes it MISSED at once, which becomes a 480 below.
        CallView placed;
        try {
            placed = sip.calls().dial(this, caller.name(), caller.number(), sourceAddress, CallView.SIP);
        }
        catch (CallException e) {
            switch (e.code()) {
                case LINES_BUSY -> finish(Response.BUSY_HERE, "All lines busy");
                case RATE_LIMITED -> finish(Response.SERVICE_UNAVAILABLE, "Too many calls");
                // A draining node (SIGTERM): 503 with Retry-After, so the trunk tries another node (RFC 3261 21.5.4)
                case SERVER_DRAINING -> finish(Response.SERVICE_UNAVAILABLE, "Server draining", DRAINING_RETRY_AFTER_SECONDS);
                default -> finish(Response.SERVICE_UNAVAILABLE, e.getMessage());
            }
            return;
        }
        if (placed.state() != CallState.RINGING) {
            return; // refused at once (no agent available): its final response is queued already
        }
        boolean cancelled;
        synchronized (this) {
            cancelled = finalSent;
            if (!finalSent) {
                send(Response.RINGING, null);
            }
        }
        if (cancelled) {
            hangUp();
        }
    }

    /** CANCEL from the caller (on a JAIN-SIP thread): 487 at once, the call ends on the pool. */
    @Override
    public void cancelled() {
        synchronized (this) {
            if (finalSent) {
                return; // too late: the call was answered or refused already (RFC 3261 §9.2)
            }
            send(Response.REQUEST_TERMINATED, null);
            finalSent = true;
        }
        work.submit(this::hangUp);
    }

    /** BYE from the caller, already answered 200. */
    @Override
    public void byeReceived() {
        synchronized (this) {
            byeReceived = true;
        }
        work.submit(this::hangUp);
    }

    /** The dialog ended under us (no ACK, transport lost): the call ends as a caller hang-up. */
    @Override
    public void dialogTerminated() {
        work.submit(this::hangUp);
    }

    private void hangUp() {
        String id = callId;
        if (id == null) {
            release();
            return;
        }
        try {
            sip.calls().hangup(id, this, null);
        }
        catch (CallException e) {
            log.debug("SIP call {}: hang-up of call {} not needed: {}", sipCallId, id, e.getMessage());
        }
    }

    @Override
    public String reoffer(javax.sip.message.Request reInvite) throws SdpException {
        return reoffer(SdpOffer.parse(SipDispatcher.sdpBody(reInvite)));
    }

    /** A re-INVITE in this dialog (hold, resume, a new address): answered with our same port. */
    synchronized String reoffer(SdpOffer newOffer) {
        boolean wasHeld = leg.held();
        leg.renegotiate(newOffer);
        boolean held = leg.held();
        String id = callId;
        if (held != wasHeld && id != null) {
            work.submit(() -> sip.calls().holdChanged(id, this, held)); // the consoles show the hold
        }
        return SdpAnswer.build(newOffer, sip.externalAddress(), leg.localPort(), sdpSession, ++sdpVersion);
    }

    /** A key the caller pressed (RFC 4733), from the RTP worker: onto the call's timeline. */
    @Override
    public void digit(TelephoneEvents.Digit digit) {
        String id = callId;
        if (id != null) {
            work.submit(() -> sip.calls().dtmf(id, this, digit.digit()));
        }
    }

    @Override
    public void callChanged(CallView view) {
        work.submit(() -> onCallChanged(view));
    }

    private void onCallChanged(CallView view) {
        CallState state = view.state();
        switch (state) {
            case ANSWERED -> answer();
            case REJECTED -> finish(Response.DECLINE, "Declined");
            case MISSED -> finish(Response.TEMPORARILY_UNAVAILABLE,
                    view.endReason() == EndReason.NO_AGENT_AVAILABLE ? "No agent available" : "No answer");
            case CANCELLED -> finish(Response.REQUEST_TERMINATED, null);
            case FAILED -> finish(view.endReason() == EndReason.SERVER_SHUTDOWN ? Response.SERVICE_UNAVAILABLE
                    : Response.TEMPORARILY_UNAVAILABLE, null);
            case ENDED -> {
                synchronized (this) {
                    if (answered && !byeReceived && !byeSent) {
                        sendBye();
                    }
                }
                release();
            }
            default -> {
                // RINGING: the 180 goes out from dial(), after the call exists.
            }
        }
    }

    private void answer() {
        synchronized (this) {
            if (finalSent) {
                return; // CANCEL crossed the answer; the call ends through hangUp()
            }
            String sdp = SdpAnswer.build(offer, sip.externalAddress(), leg.localPort(), sdpSession, sdpVersion);
            send(Response.OK, sdp);
            finalSent = true;
            answered = true;
        }
    }

    private void finish(int status, String reason) {
        finish(status, reason, 0);
    }

    /** {@code retryAfterSeconds}: 0 for none. */
    private void finish(int status, String reason, int retryAfterSeconds) {
        synchronized (this) {
            if (!finalSent) {
                Response response = sip.response(status, request);
                if (reason != null) {
                    SipDispatcher.reason(response, reason);
                }
                if (retryAfterSeconds > 0) {
                    sip.retryAfter(response, retryAfterSeconds);
                }
                sip.sendOn(invite, response);
                finalSent = true;
            }
        }
        release();
    }

    /** A response to the INVITE with our To tag and Contact (provisional ones too: they open the dialog). */
    private void send(int status, String sdp) {
        sip.sendOn(invite, sip.dialogResponse(status, request, toTag, sdp));
    }

    private void sendBye() {
        Dialog dialog = invite.getDialog();
        try {
            Request bye = dialog.createRequest(Request.BYE);
            ClientTransaction transaction = sip.provider().getNewClientTransaction(bye);
            dialog.sendRequest(transaction);
            byeSent = true;
        }
        catch (Exception e) {
            log.warn("SIP call {}: BYE could not be sent ({}); the peer's session timer must end it", sipCallId,
                    e.toString());
        }
    }

    private void release() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        sip.released(this, java.util.List.of(leg));
    }

    @Override
    public void legAssigned(String callId, LegRole role, String resumeToken) {
        this.callId = callId; // inside dial(): a CANCEL racing the dial finds the call by it
    }

    @Override
    public void mediaReady(String callId, LegRole role, String mediaToken) {
        // The SIP leg's media is its RTP leg: it joins the bridge as soon as the call is answered.
        work.submit(() -> {
            try {
                MediaAttachment attachment = sip.calls().attachMedia(mediaToken, leg);
                leg.attach(attachment.bridge(), attachment.role().track());
                synchronized (this) {
                    media = attachment;
                }
            }
            catch (CallException e) {
                log.debug("SIP call {}: media not attached: {}", sipCallId, e.getMessage());
            }
        });
    }

    /** Where the call's audio would be relayed; null until the call is answered. */
    synchronized MediaAttachment media() {
        return media;
    }

    SipMediaLeg leg() {
        return leg;
    }

    @Override
    public String owner() {
        return "sip:" + sipCallId;
    }

    @Override
    public void replaced(String callId, LegRole role) {
        // A SIP leg is never resumed by another channel.
    }
}
