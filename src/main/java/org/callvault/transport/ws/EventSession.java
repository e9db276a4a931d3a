package org.callvault.transport.ws;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;

import io.netty.channel.Channel;

import org.callvault.call.CallParty;
import org.callvault.call.CallView;
import org.callvault.call.LegRole;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One open event socket: a caller's phone or an agent's console. Outbound messages go through a
 * bounded queue, and the channel's outbound is bounded too ({@link OutboundBound#EVENTS}): a console
 * that stops reading is closed (1008) once {@link #UNWRITABLE_SENDS} more messages were queued
 * while its channel was full, rather than piling up thousands of stale events for it. Events are
 * not dropped one by one: a console that missed one would show a wrong call list; one that
 * reconnects gets the whole list in its {@code welcome}.
 */
final class EventSession implements CallParty {

    private static final int OUTBOUND_QUEUE = 512;
    /** Messages queued beyond a full channel before the socket is closed as not reading. */
    static final int UNWRITABLE_SENDS = 32;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    final WebSocketSession socket;
    final boolean agent;
    final String user;
    final String address;
    private final String owner;
    private final EventMessages messages;
    private final AccountSockets accountSockets;
    private final Sinks.Many<String> outbound = Sinks.many().unicast()
            .onBackpressureBuffer(new ArrayBlockingQueue<>(OUTBOUND_QUEUE));
    /** Null outside Reactor Netty. */
    private final Channel channel;
    private int sentWhileUnwritable;
    private boolean closingAsStalled;
    /** Read and written only by the socket's network thread (inbound policing). */
    long lastRateLimitWarning;
    boolean closingForFlood;
    /** What this socket's {@code hello} agreed (version 1, PCM, until it says one). */
    volatile MediaWire.Choice wire = MediaWire.V1;
    private final MediaWire mediaWire;

    EventSession(WebSocketSession socket, Channel channel, boolean agent, String user, String address, String owner,
            EventMessages messages, AccountSockets accountSockets, MediaWire mediaWire) {
        this.mediaWire = mediaWire;
        this.socket = socket;
        this.agent = agent;
        this.user = user;
        this.address = address;
        this.owner = owner;
        this.messages = messages;
        this.channel = channel;
        this.accountSockets = accountSockets;
    }

    Flux<String> outbound() {
        return outbound.asFlux();
    }

    synchronized void send(String text) {
        if (closingAsStalled) {
            return;
        }
        if (channel != null && !channel.isWritable()) {
            if (++sentWhileUnwritable > UNWRITABLE_SENDS) {
                closeAsStalled();
                return;
            }
        }
        else {
            sentWhileUnwritable = 0;
        }
        Sinks.EmitResult result = outbound.tryEmitNext(text);
        if (result == Sinks.EmitResult.FAIL_OVERFLOW) {
            closeAsStalled();
        }
    }

    /**
     * The close frame waits behind what is in flight; a client that never reads again would hold
     * the connection for ever, so the channel is dropped if it has not closed a few seconds later.
     */
    private void closeAsStalled() {
        closingAsStalled = true;
        socket.close(CloseStatus.POLICY_VIOLATION.withReason("not reading its messages")).subscribe();
        if (channel != null) {
            Mono.delay(CLOSE_TIMEOUT).subscribe(tick -> channel.close());
        }
    }

    synchronized void complete() {
        outbound.tryEmitComplete();
    }

    private volatile CloseStatus closeAfterSending;

    /** Sends what is queued (e.g. the error that explains why), then closes with this status. */
    synchronized void closeAfterSending(CloseStatus status) {
        closeAfterSending = status;
        outbound.tryEmitComplete();
    }

    CloseStatus pendingClose() {
        return closeAfterSending;
    }

    @Override
    public void callChanged(CallView call) {
        send(messages.callChanged(call));
    }

    @Override
    public void legAssigned(String callId, LegRole role, String resumeToken) {
        send(messages.leg(callId, role, resumeToken));
    }

    @Override
    public boolean speaksOpus() {
        return wire.codec() == MediaWire.Codec.OPUS;
    }

    @Override
    public String owner() {
        return owner;
    }

    @Override
    public void replaced(String callId, LegRole role) {
        send(messages.replaced(callId, role));
    }

    @Override
    public void refused(String action, String callId, String code, String message) {
        send(messages.error(code, message, action, callId));
    }

    @Override
    public void mediaReady(String callId, LegRole role, String mediaToken) {
        accountSockets.mediaTokenIssued(mediaToken, user);
        MediaWire.Choice agreed = wire;
        send(agreed.version() == 1 ? messages.media(callId, role, mediaToken)
                : messages.media(callId, role, mediaToken, mediaWire.mediaFields(agreed)));
    }
}
