package org.callvault.transport.ws;

import java.util.concurrent.ArrayBlockingQueue;

import org.callvault.call.CallParty;
import org.callvault.call.CallView;
import org.callvault.call.LegRole;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * One open event socket: a caller's phone or an agent's console. Outbound messages go through a
 * bounded queue; a console that stops reading is closed rather than allowed to fill the heap.
 */
final class EventSession implements CallParty {

    private static final int OUTBOUND_QUEUE = 512;

    final WebSocketSession socket;
    final boolean agent;
    final String user;
    final String address;
    private final EventMessages messages;
    private final AccountSockets accountSockets;
    private final Sinks.Many<String> outbound = Sinks.many().unicast()
            .onBackpressureBuffer(new ArrayBlockingQueue<>(OUTBOUND_QUEUE));

    EventSession(WebSocketSession socket, boolean agent, String user, String address, EventMessages messages,
            AccountSockets accountSockets) {
        this.socket = socket;
        this.agent = agent;
        this.user = user;
        this.address = address;
        this.messages = messages;
        this.accountSockets = accountSockets;
    }

    Flux<String> outbound() {
        return outbound.asFlux();
    }

    synchronized void send(String text) {
        Sinks.EmitResult result = outbound.tryEmitNext(text);
        if (result == Sinks.EmitResult.FAIL_OVERFLOW) {
            socket.close(CloseStatus.POLICY_VIOLATION.withReason("not reading its messages")).subscribe();
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
    public void mediaReady(String callId, LegRole role, String mediaToken) {
        accountSockets.mediaTokenIssued(mediaToken, user);
        send(messages.media(callId, role, mediaToken));
    }
}
