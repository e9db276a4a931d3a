package org.callvault.transport.sip;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

import gov.nist.javax.sip.message.SIPMessage;

import org.callvault.call.CallService;
import org.callvault.system.TrustedProxies;
import org.callvault.transport.ws.AgentPresence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.scheduler.Scheduler;

/**
 * JAIN-SIP's listener: every request and event of the SIP stack arrives here on one of the stack's
 * threads. What is cheap and stateless is answered right here (OPTIONS, REGISTER, refusals of
 * untrusted or over-limit INVITEs, 481 for unknown dialogs); anything that touches a call is queued
 * to the signaling pool by the call's {@link SipCall}. Nothing thrown here reaches the stack: a
 * request that fails is answered 500 (or 400 when it is malformed), and logged.
 */
final class SipDispatcher implements SipListener {

    private static final Logger log = LoggerFactory.getLogger(SipDispatcher.class);

    static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE";

    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final AddressFactory addresses;
    private final CallService calls;
    private final AgentPresence presence;
    private final Scheduler pool;
    private final TrustedProxies trusted;
    private final InviteRateLimiter inviteLimiter;
    private final RtpSessions media;
    private final int maxCalls;
    private final String externalAddress;
    private final int port;
    private final Map<String, SipSession> active = new ConcurrentHashMap<>();
    private final AtomicInteger activeCount = new AtomicInteger();
    private volatile SipProvider provider;
    /** Timers of recording sessions (their media watchdogs): one daemon thread, work goes to the pool. */
    private final java.util.concurrent.ScheduledExecutorService timers = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "sip-timers");
                thread.setDaemon(true);
                return thread;
            });
    private volatile java.time.Duration recordingMediaTimeout = java.time.Duration.ofSeconds(30);
    private volatile DigestAuthenticator authenticator;
    private volatile boolean omitPausedAudio;

    SipDispatcher(MessageFactory messages, HeaderFactory headers, AddressFactory addresses, CallService calls,
            AgentPresence presence, Scheduler pool, TrustedProxies trusted, InviteRateLimiter inviteLimiter,
            RtpSessions media, int maxCalls, String externalAddress, int port) {
        this.messages = messages;
        this.headers = headers;
        this.addresses = addresses;
        this.calls = calls;
        this.presence = presence;
        this.pool = pool;
        this.trusted = trusted;
        this.inviteLimiter = inviteLimiter;
        this.media = media;
        this.maxCalls = maxCalls;
        this.externalAddress = externalAddress;
        this.port = port;
    }

    /** Whether recording sessions' pauses are cut out of their files (else kept as silence). */
    void omitPausedAudio(boolean omit) {
        this.omitPausedAudio = omit;
    }

    boolean omitPausedAudio() {
        return omitPausedAudio;
    }

    /** How long a recording session may receive nothing (unpaused) before it is ended. */
    void recordingMediaTimeout(java.time.Duration timeout) {
        this.recordingMediaTimeout = timeout;
    }

    void attach(SipProvider provider) {
        this.provider = provider;
    }

    /** With credentials configured, untrusted sources are challenged (digest) instead of refused. */
    void authenticateUntrusted(DigestAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        try {
            switch (request.getMethod()) {
                case Request.OPTIONS -> options(request);
                case Request.REGISTER -> stateless(request, Response.METHOD_NOT_ALLOWED, "CallVault takes no registrations");
                case Request.INVITE -> invite(event);
                case Request.ACK -> {
                    // The dialog layer takes the ACK of our 200 (and stops its retransmissions).
                }
                case Request.CANCEL -> cancel(event);
                case Request.BYE -> bye(event);
                case Request.UPDATE -> update(event);
                default -> {
                    if (hasToTag(request) && !active.containsKey(callIdOf(request))) {
                        stateless(request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
                    }
                    else {
                        stateless(request, Response.METHOD_NOT_ALLOWED, null);
                    }
                }
            }
        }
        catch (RuntimeException e) {
            log.warn("SIP {} from {} failed", request.getMethod(), sourceOf(request), e);
            if (!Request.ACK.equals(request.getMethod())) {
                stateless(request, Response.SERVER_INTERNAL_ERROR, null);
            }
        }
    }

    /** Peers ping with OPTIONS as a keep-alive: answered without state, from anyone. */
    private void options(Request request) {
        Response response = response(Response.OK, request);
        try {
            response.addHeader(headers.createAllowHeader(ALLOW));
            response.addHeader(headers.createAcceptHeader("application", "sdp"));
        }
        catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
        sendStateless(response);
    }

    private void invite(RequestEvent event) {
        Request request = event.getRequest();
        String callId = callIdOf(request);
        if (hasToTag(request)) {
            reInvite(event, callId);
            return;
        }
        InetAddress source = sourceOf(request);
        boolean trustedSource = source != null && trusted.trusts(new InetSocketAddress(source, 0));
        DigestAuthenticator digest = authenticator;
        if (!trustedSource && (source == null || digest == null)) {
            stateless(request, Response.FORBIDDEN, "Source not trusted");
            return;
        }
        if (event.getServerTransaction() != null || active.containsKey(callId)) {
            return; // a retransmission the transaction layer already answers
        }
        // Before any hashing: a flood of challenges or guesses from one source costs a token each.
        if (!inviteLimiter.tryAcquire(source.getHostAddress(), System.nanoTime())) {
            serviceUnavailable(request, "Too many INVITEs from " + source.getHostAddress());
            return;
        }
        if (!trustedSource) {
            Response refusal = digest.refusal(request);
            if (refusal != null) {
                sendStateless(refusal); // 401 challenge, 400 or 403: no transaction, no state
                return;
            }
        }
        if (SiprecSession.isRecordingSession(request)) {
            recordingSession(request, source);
            return;
        }
        SdpOffer offer;
        try {
            offer = SdpOffer.parse(sdpBody(request));
        }
        catch (SdpException e) {
            stateless(request, e.status(), e.getMessage());
            return;
        }
        if (activeCount.incrementAndGet() > maxCalls) {
            activeCount.decrementAndGet();
            serviceUnavailable(request, "Too many SIP calls");
            return;
        }
        SipMediaLeg leg = media.open(offer);
        if (leg == null) {
            activeCount.decrementAndGet();
            serviceUnavailable(request, "No RTP port free");
            return;
        }
        ServerTransaction transaction = trying(request, List.of(leg));
        if (transaction == null) {
            return;
        }
        SipCall call = new SipCall(this, transaction, offer, leg, source.getHostAddress());
        active.put(callId, call);
        if (!call.start(CallerIdentity.of(request))) {
            sendOn(transaction, response(Response.SERVICE_UNAVAILABLE, request));
            released(call, List.of(leg));
        }
    }

    /** A SIPREC INVITE (RFC 7866): a recording session with one stream per participant. */
    private void recordingSession(Request request, InetAddress source) {
        if (activeCount.incrementAndGet() > maxCalls) {
            activeCount.decrementAndGet();
            serviceUnavailable(request, "Too many SIP calls and recording sessions");
            return;
        }
        SiprecSession.Opened opened;
        try {
            opened = SiprecSession.open(this, request, media);
        }
        catch (org.callvault.transport.sip.siprec.SiprecException e) {
            activeCount.decrementAndGet();
            stateless(request, e.status(), e.getMessage());
            return;
        }
        ServerTransaction transaction = trying(request, opened.held());
        if (transaction == null) {
            return;
        }
        SiprecSession session = SiprecSession.create(this, transaction, source.getHostAddress(), opened,
                recordingMediaTimeout);
        active.put(session.sipCallId(), session);
        if (!session.start()) {
            sendOn(transaction, response(Response.SERVICE_UNAVAILABLE, request));
            released(session, opened.held());
        }
    }

    /**
     * The new INVITE's server transaction, answered 100 Trying; null for a retransmission the stack
     * already holds. Either way out but success gives the legs opened for it back.
     */
    private ServerTransaction trying(Request request, List<SipMediaLeg> legs) {
        ServerTransaction transaction;
        try {
            transaction = provider.getNewServerTransaction(request);
        }
        catch (TransactionAlreadyExistsException e) {
            released(null, legs);
            return null;
        }
        catch (Exception e) {
            released(null, legs);
            throw new IllegalStateException("No server transaction for INVITE " + callIdOf(request), e);
        }
        sendOn(transaction, response(Response.TRYING, request));
        return transaction;
    }

    /** A re-INVITE (hold, resume, new address): the same port, the mirrored direction; 481 when unknown. */
    private void reInvite(RequestEvent event, String callId) {
        offerInDialog(event, callId, SipSession::reoffer);
    }

    /**
     * An UPDATE (RFC 3311): SIPREC clients send metadata updates and pauses this way; SDP is
     * answered as a re-INVITE's, a body without SDP gets a 200 without one. Only in a dialog: 481
     * otherwise (RFC 3311 §5.2).
     */
    private void update(RequestEvent event) {
        Request request = event.getRequest();
        if (!hasToTag(request)) {
            stateless(request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "UPDATE outside a dialog");
            return;
        }
        offerInDialog(event, callIdOf(request), SipSession::update);
    }

    /** What a dialog's session makes of an in-dialog offer: its SDP answer (or none), or a refusal. */
    private interface InDialogOffer {
        String answer(SipSession session, Request request) throws SdpException;
    }

    private void offerInDialog(RequestEvent event, String callId, InDialogOffer offer) {
        Request request = event.getRequest();
        SipSession call = active.get(callId);
        if (call == null) {
            stateless(request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            return;
        }
        ServerTransaction transaction = transactionOf(event);
        if (transaction == null) {
            return;
        }
        try {
            sendOn(transaction, dialogResponse(Response.OK, request, null, offer.answer(call, request)));
        }
        catch (SdpException e) {
            Response refused = response(e.status(), request);
            reason(refused, e.getMessage());
            sendOn(transaction, refused);
        }
    }

    private void cancel(RequestEvent event) {
        answerInDialog(event, SipSession::cancelled);
    }

    private void bye(RequestEvent event) {
        answerInDialog(event, SipSession::byeReceived);
    }

    /** CANCEL and BYE: 481 for an unknown call, else 200 on their own transaction, then the call acts. */
    private void answerInDialog(RequestEvent event, java.util.function.Consumer<SipSession> then) {
        Request request = event.getRequest();
        SipSession call = active.get(callIdOf(request));
        if (call == null) {
            stateless(request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            return;
        }
        ServerTransaction transaction = transactionOf(event);
        if (transaction != null) {
            sendOn(transaction, response(Response.OK, request));
        }
        then.accept(call);
    }

    private ServerTransaction transactionOf(RequestEvent event) {
        if (event.getServerTransaction() != null) {
            return event.getServerTransaction();
        }
        try {
            return provider.getNewServerTransaction(event.getRequest());
        }
        catch (TransactionAlreadyExistsException e) {
            return null; // a retransmission: the transaction answers it
        }
        catch (Exception e) {
            throw new IllegalStateException("No server transaction for " + event.getRequest().getMethod(), e);
        }
    }

    @Override
    public void processResponse(ResponseEvent event) {
        // Only our BYEs get responses; whatever they say, the call is over on our side.
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        log.debug("SIP transaction timed out: {}", event.getTimeout());
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        log.debug("SIP I/O error towards {}:{} ({})", event.getHost(), event.getPort(), event.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        try {
            SipSession call = active.get(event.getDialog().getCallId().getCallId());
            if (call != null) {
                call.dialogTerminated();
            }
        }
        catch (RuntimeException e) {
            log.warn("SIP dialog end not handled", e);
        }
    }

    // --- used by SipCall -------------------------------------------------------------------------

    CallService calls() {
        return calls;
    }

    AgentPresence presence() {
        return presence;
    }

    Scheduler pool() {
        return pool;
    }

    java.util.concurrent.ScheduledExecutorService timers() {
        return timers;
    }

    /** The stack stopped: no more timers. */
    void close() {
        timers.shutdownNow();
    }

    SipProvider provider() {
        return provider;
    }

    String externalAddress() {
        return externalAddress;
    }

    void released(SipSession call, List<SipMediaLeg> legs) {
        if (call != null) {
            active.remove(call.sipCallId(), call);
        }
        legs.forEach(media::close);
        activeCount.decrementAndGet();
    }

    int activeCalls() {
        return activeCount.get();
    }

    Response response(int status, Request request) {
        try {
            return messages.createResponse(status, request);
        }
        catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A response that opens or continues the dialog: our To tag, our Contact, and SDP when given. */
    Response dialogResponse(int status, Request request, String toTag, String sdp) {
        Response response = response(status, request);
        try {
            ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
            if (toTag != null && to.getTag() == null) {
                to.setTag(toTag);
            }
            response.addHeader(contact(request));
            if (sdp != null) {
                ContentTypeHeader type = headers.createContentTypeHeader("application", "sdp");
                response.setContent(sdp, type);
            }
            if (status == Response.OK) {
                response.addHeader(headers.createAllowHeader(ALLOW));
            }
        }
        catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
        return response;
    }

    private ContactHeader contact(Request request) throws java.text.ParseException {
        SipURI uri = addresses.createSipURI("callvault", externalAddress.contains(":") ? "[" + externalAddress + "]"
                : externalAddress);
        uri.setPort(port);
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        if (via != null && "TCP".equalsIgnoreCase(via.getTransport())) {
            uri.setTransportParam("tcp");
        }
        return headers.createContactHeader(addresses.createAddress(uri));
    }

    void sendOn(ServerTransaction transaction, Response response) {
        try {
            transaction.sendResponse(response);
        }
        catch (Exception e) {
            log.debug("SIP {} not sent: {}", response.getStatusCode(), e.toString());
        }
    }

    private void serviceUnavailable(Request request, String reason) {
        Response response = response(Response.SERVICE_UNAVAILABLE, request);
        reason(response, reason);
        retryAfter(response, 5);
        sendStateless(response);
    }

    /** Adds {@code Retry-After}: the peer may try again (elsewhere, a draining node) after this long. */
    void retryAfter(Response response, int seconds) {
        try {
            response.addHeader(headers.createRetryAfterHeader(seconds));
        }
        catch (javax.sip.InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
    }

    private void stateless(Request request, int status, String reason) {
        try {
            Response response = response(status, request);
            if (reason != null) {
                reason(response, reason);
            }
            if (status == Response.METHOD_NOT_ALLOWED) {
                response.addHeader(headers.createAllowHeader(ALLOW));
            }
            sendStateless(response);
        }
        catch (Exception e) {
            log.debug("SIP {} to {} not sent: {}", status, request.getMethod(), e.toString());
        }
    }

    private void sendStateless(Response response) {
        try {
            provider.sendResponse(response);
        }
        catch (Exception e) {
            log.debug("SIP {} not sent: {}", response.getStatusCode(), e.toString());
        }
    }

    static String sdpBody(Request request) {
        byte[] raw = request.getRawContent();
        if (raw == null || raw.length == 0) {
            return null;
        }
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        if (type == null || !"application".equalsIgnoreCase(type.getContentType())
                || !"sdp".equalsIgnoreCase(type.getContentSubType())) {
            return "";
        }
        return new String(raw, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A reason phrase from our own text (SDP errors may quote the offer): one line, no controls. */
    static void reason(Response response, String text) {
        try {
            response.setReasonPhrase(text.replaceAll("[\\p{Cntrl}]", " "));
        }
        catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    static String callIdOf(Request request) {
        CallIdHeader header = (CallIdHeader) request.getHeader(CallIdHeader.NAME);
        return header == null ? "" : header.getCallId();
    }

    private static boolean hasToTag(Request request) {
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        return to != null && to.getTag() != null;
    }

    private static InetAddress sourceOf(Request request) {
        if (!(request instanceof SIPMessage message)) {
            return null;
        }
        return message.getPeerPacketSourceAddress() != null ? message.getPeerPacketSourceAddress()
                : message.getRemoteAddress();
    }
}
