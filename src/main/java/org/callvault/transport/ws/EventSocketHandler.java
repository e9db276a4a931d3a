package org.callvault.transport.ws;

import java.security.Principal;
import java.util.List;
import java.util.Optional;

import org.callvault.call.CallException;
import org.callvault.call.CallService;
import org.callvault.media.AudioFormat;
import org.callvault.system.CallVaultProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.util.UriComponentsBuilder;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /ws/events}: turns JSON messages into call commands and call changes into messages.
 * Commands run one at a time per socket (so a dial is handled before the hangup that follows it)
 * on the {@link SignalingThreads}, because the call rules write to the database.
 */
@Component
class EventSocketHandler implements WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(EventSocketHandler.class);

    /** Stands for a binary message, which the event socket does not accept. */
    private static final String BINARY = new String("<binary>");

    private final CallService calls;
    private final AudioFormat format;
    private final EventMessages messages;
    private final AgentConsoles consoles;
    private final boolean phoneRequiresLogin;
    private final Scheduler signaling;
    private final AccountSockets accountSockets;

    EventSocketHandler(CallService calls, AudioFormat format, JsonMapper json, CallVaultProperties properties,
            SignalingThreads signaling, AccountSockets accountSockets) {
        this.calls = calls;
        this.accountSockets = accountSockets;
        this.signaling = signaling.scheduler();
        this.format = format;
        this.messages = new EventMessages(json);
        this.consoles = new AgentConsoles(messages);
        calls.addObserver(consoles);
        this.phoneRequiresLogin = properties.calls().phoneRequiresLogin();
    }

    @Override
    public Mono<Void> handle(WebSocketSession socket) {
        HandshakeInfo handshake = socket.getHandshakeInfo();
        if (!SameOrigin.allowed(handshake.getHeaders())) {
            return socket.close(new CloseStatus(4403, "cross-origin socket refused"));
        }
        String role = UriComponentsBuilder.fromUri(handshake.getUri()).build().getQueryParams().getFirst("role");
        String address = handshake.getRemoteAddress() == null ? "unknown"
                : handshake.getRemoteAddress().getAddress().getHostAddress();
        return handshake.getPrincipal().map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap(principal -> {
            boolean wantsAgent = "agent".equals(role);
            if (wantsAgent && !isAgent(principal.orElse(null))) {
                return socket.close(new CloseStatus(4403, "sign in as an agent to open the console socket"));
            }
            if (!wantsAgent && phoneRequiresLogin && principal.isEmpty()) {
                return socket.close(new CloseStatus(4403, "sign in to use the phone"));
            }
            String user = principal.map(Principal::getName).orElse(null);
            return serve(new EventSession(socket, wantsAgent, user, address, messages, accountSockets));
        });
    }

    private Mono<Void> serve(EventSession session) {
        if (session.agent) {
            consoles.add(session);
        }
        accountSockets.opened(session.user, session.socket);
        session.send(messages.welcome(session.agent ? "agent" : "caller", session.user, format,
                session.agent ? calls.liveCalls() : List.of()));

        // Read the text on the network thread: the frame's buffer is released once this step returns.
        Mono<Void> in = session.socket.receive()
                .map(message -> message.getType() == WebSocketMessage.Type.TEXT ? message.getPayloadAsText() : BINARY)
                .concatMap(text -> Mono.fromRunnable(() -> onMessage(session, text)).subscribeOn(signaling))
                .then();
        Mono<Void> out = session.socket.send(session.outbound().map(session.socket::textMessage))
                .then(Mono.defer(() -> session.pendingClose() == null ? Mono.empty()
                        : session.socket.close(session.pendingClose())));
        return Mono.zip(in, out).then().doFinally(signal -> {
            consoles.remove(session);
            accountSockets.closed(session.user, session.socket);
            session.complete();
            signaling.schedule(() -> calls.partyDetached(session));
        });
    }

    private void onMessage(EventSession session, String text) {
        if (text == BINARY) {
            session.send(messages.error("bad_json", "The event socket carries JSON text messages only", null, null));
            return;
        }
        String type = null;
        String callId = null;
        try {
            JsonNode json = messages.parse(text);
            type = EventMessages.type(json);
            callId = json.has("callId") && json.get("callId").isString() ? json.get("callId").asString() : null;
            dispatch(session, type, json);
        }
        catch (ProtocolError e) {
            session.send(messages.error(e.code(), e.getMessage(), type, callId));
            if ("message_too_large".equals(e.code())) {
                session.closeAfterSending(CloseStatus.TOO_BIG_TO_PROCESS);
            }
        }
        catch (CallException e) {
            session.send(messages.error(e.code().wireName(), e.getMessage(), type, e.callId() != null ? e.callId() : callId));
        }
        catch (RuntimeException e) {
            log.error("Event message failed: {}", type, e);
            session.send(messages.error("internal", "The server could not handle this message", type, callId));
        }
    }

    private void dispatch(EventSession session, String type, JsonNode json) {
        switch (type) {
            case "ping" -> session.send(messages.pong());
            case "dial" -> {
                requireRole(session, false, type);
                calls.dial(session, EventMessages.callerName(json), EventMessages.callerNumber(json), session.address);
            }
            case "answer" -> {
                requireRole(session, true, type);
                calls.answer(EventMessages.callId(json), session, session.user);
            }
            case "decline" -> {
                requireRole(session, true, type);
                calls.decline(EventMessages.callId(json), session.user);
            }
            case "hangup" -> calls.hangup(EventMessages.callId(json), session);
            case "resume" -> calls.resume(EventMessages.callId(json), EventMessages.resumeToken(json), session);
            default -> throw new ProtocolError("unknown_type", "Unknown message type '" + truncate(type) + "'");
        }
    }

    private static void requireRole(EventSession session, boolean agent, String type) {
        if (session.agent != agent) {
            throw new ProtocolError("forbidden", "'" + type + "' is for " + (agent ? "agents" : "callers") + " only");
        }
    }

    private static boolean isAgent(Principal principal) {
        return principal instanceof Authentication auth && auth.isAuthenticated() && auth.getAuthorities().stream()
                .anyMatch(a -> "ROLE_AGENT".equals(a.getAuthority()) || "ROLE_ADMIN".equals(a.getAuthority()));
    }

    private static String truncate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
