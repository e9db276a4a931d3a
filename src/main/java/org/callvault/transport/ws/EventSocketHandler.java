package org.callvault.transport.ws;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.List;
import java.util.Optional;

import org.callvault.user.AgentNames;
import org.callvault.call.AgentStatus;
import org.callvault.call.CallException;
import org.callvault.call.CallService;
import org.callvault.media.AudioFormat;
import org.callvault.recording.RecordingStateChanged;
import org.callvault.media.TrafficPolicer;
import org.callvault.system.CallVaultProperties;
import org.callvault.system.ClientAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
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
class EventSocketHandler implements WebSocketHandler, AgentPresence {

    private static final Logger log = LoggerFactory.getLogger(EventSocketHandler.class);

    /** Stands for a binary message, which the event socket does not accept. */
    private static final String BINARY = new String("<binary>");
    /** Close code of an anonymous socket over its address's share (docs/protocol.md). */
    static final int CLOSE_TOO_MANY_SOCKETS = 4429;

    /** Stands for a text message over the limit, which is never decoded. */
    private static final String TOO_LARGE = new String("<too large>");

    private final CallService calls;
    private final AudioFormat format;
    private final EventMessages messages;
    private final AgentConsoles consoles;
    private final boolean phoneRequiresLogin;
    private final Scheduler signaling;
    private final OpenSockets openSockets;
    private final AccountSockets accountSockets;
    private final MediaWire mediaWire;
    private final AnonymousSockets anonymous;
    private final ServerChannels channels;
    private final long messageCostNanos;
    private final long messageBurstNanos;
    /** Dropped messages within {@link TrafficPolicer#ABUSE_WINDOW_NANOS} that close the socket. */
    private final int abusiveDrops;

    EventSocketHandler(CallService calls, AudioFormat format, JsonMapper json, CallVaultProperties properties,
            SignalingThreads signaling, OpenSockets openSockets, ServerChannels channels, AccountSockets accountSockets,
            AgentNames agentNames, MediaWire mediaWire) {
        this.mediaWire = mediaWire;
        this.calls = calls;
        this.openSockets = openSockets;
        this.accountSockets = accountSockets;
        this.channels = channels;
        this.signaling = signaling.scheduler();
        this.format = format;
        this.messages = new EventMessages(json, agentNames);
        this.consoles = new AgentConsoles(messages,
                console -> calls.liveCalls(console, calls.status(console) == AgentStatus.AVAILABLE));
        calls.addObserver(consoles);
        this.phoneRequiresLogin = properties.calls().phoneRequiresLogin();
        CallVaultProperties.Sockets limits = properties.sockets();
        this.anonymous = new AnonymousSockets(limits.anonymousPerAddress());
        this.messageCostNanos = 1_000_000_000L / limits.messagesPerSecond();
        this.messageBurstNanos = messageCostNanos * limits.messageBurst();
        // Sustained abuse: dropping as many again as the rate allows over the whole window.
        this.abusiveDrops = (int) (limits.messagesPerSecond() * (TrafficPolicer.ABUSE_WINDOW_NANOS / 1_000_000_000L));
    }

    /** Agents hear when a call's recording is interrupted (full disk) or resumed: see docs/protocol.md. */
    @EventListener
    void recordingChanged(RecordingStateChanged change) {
        consoles.broadcast(messages.recording(change));
    }

    @Override
    public Mono<Void> handle(WebSocketSession socket) {
        HandshakeInfo handshake = socket.getHandshakeInfo();
        if (!SameOrigin.allowed(handshake)) {
            return socket.close(new CloseStatus(4403, "cross-origin socket refused"));
        }
        String role = UriComponentsBuilder.fromUri(handshake.getUri()).build().getQueryParams().getFirst("role");
        String address = ClientAddress.of(handshake.getRemoteAddress());
        return handshake.getPrincipal().map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap(principal -> {
            boolean wantsAgent = "agent".equals(role);
            if (wantsAgent && !isAgent(principal.orElse(null))) {
                return socket.close(new CloseStatus(4403, "sign in as an agent to open the console socket"));
            }
            if (!wantsAgent && phoneRequiresLogin && principal.isEmpty()) {
                return socket.close(new CloseStatus(4403, "sign in to use the phone"));
            }
            String user = principal.map(Principal::getName).orElse(null);
            if (principal.isPresent()) {
                return serve(session(socket, wantsAgent, user, address, handshake));
            }
            if (!anonymous.tryOpen(address)) {
                return socket.close(new CloseStatus(CLOSE_TOO_MANY_SOCKETS, "too many sockets from this address"));
            }
            return serve(session(socket, wantsAgent, null, address, handshake))
                    .doFinally(signal -> anonymous.closed(address));
        });
    }

    private EventSession session(WebSocketSession socket, boolean agent, String user, String address,
            HandshakeInfo handshake) {
        return new EventSession(socket, channels.bounded(socket, OutboundBound.EVENTS), agent, user, address,
                owner(agent, user, handshake), messages, accountSockets, mediaWire);
    }


    private Mono<Void> serve(EventSession session) {
        if (session.agent) {
            consoles.add(session);
        }
        openSockets.opened(session);
        accountSockets.opened(session.user, session.socket);
        session.send(messages.welcome(session.agent ? "agent" : "caller", session.user, format,
                session.agent ? calls.liveCalls(session, true) : List.of(), session.agent ? "available" : null));
        if (session.agent) {
            // After the welcome: what rings at it now comes as `call` events too (under ring-all the
            // welcome listed those calls already). Before any message of its own is read, so
            // `availability` finds it.
            calls.agentConnected(session, session.user);
        }

        // Police and read the text on the network thread: the frame's buffer is released once this
        // step returns, and a flood of messages must not cost a signaling task (nor a query) each.
        TrafficPolicer policer = new TrafficPolicer(messageBurstNanos, abusiveDrops, System.nanoTime());
        Mono<Void> in = session.socket.receive()
                .filter(message -> admit(session, policer))
                .map(message -> message.getType() != WebSocketMessage.Type.TEXT ? BINARY
                        : message.getPayload().readableByteCount() > EventMessages.MAX_TEXT_BYTES ? TOO_LARGE
                        : message.getPayloadAsText())
                .concatMap(text -> Mono.fromRunnable(() -> onMessage(session, text)).subscribeOn(signaling))
                .then();
        Mono<Void> out = session.socket.send(session.outbound().map(session.socket::textMessage))
                .then(Mono.defer(() -> session.pendingClose() == null ? Mono.empty()
                        : session.socket.close(session.pendingClose())));
        return Mono.zip(in, out).then().doFinally(signal -> {
            openSockets.closed(session);
            consoles.remove(session);
            accountSockets.closed(session.user, session.socket);
            session.complete();
            signaling.schedule(() -> calls.partyDetached(session));
        });
    }

    /** Drops a message over the socket's rate: at most one {@code rate_limited} a second, 1008 if it goes on. */
    private boolean admit(EventSession session, TrafficPolicer policer) {
        long now = System.nanoTime();
        if (policer.admit(messageCostNanos, now)) {
            return true;
        }
        if (policer.abusive()) {
            if (!session.closingForFlood) {
                session.closingForFlood = true;
                session.socket.close(CloseStatus.POLICY_VIOLATION.withReason("too many messages")).subscribe();
            }
        }
        else if (session.lastRateLimitWarning == 0 || now - session.lastRateLimitWarning > 1_000_000_000L) {
            session.lastRateLimitWarning = now;
            session.send(messages.error("rate_limited",
                    "Too many messages; this one and more were dropped unread. Slow down.", null, null));
        }
        return false;
    }

    @Override
    public boolean anyAgentOnline() {
        return consoles.count() > 0;
    }

    private void onMessage(EventSession session, String text) {
        if (text == BINARY) {
            session.send(messages.error("bad_json", "The event socket carries JSON text messages only", null, null));
            return;
        }
        String type = null;
        String callId = null;
        try {
            if (text == TOO_LARGE) {
                throw EventMessages.tooLarge();
            }
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
            session.send(messages.error(e.code().wireName(), e.getMessage(), type, e.callId() != null ? e.callId() : callId,
                    e.retryAfterMillis()));
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
                calls.decline(EventMessages.callId(json), session, session.user);
            }
            case "hangup" -> calls.hangup(EventMessages.callId(json), session, session.agent ? session.user : null);
            case "availability" -> {
                requireRole(session, true, type);
                session.send(messages.availability(calls.setAway(session, EventMessages.away(json))));
            }
            case "hello" -> {
                session.wire = mediaWire.negotiate(json);
                session.send(messages.hello(mediaWire.helloReply(session.wire)));
            }
            case "resume" -> calls.resume(EventMessages.callId(json), EventMessages.resumeToken(json), session);
            default -> throw new ProtocolError("unknown_type", "Unknown message type '" + truncate(type) + "'");
        }
    }

    /**
     * What a leg is bound to ({@link org.callvault.call.CallParty#owner()}): an agent's user name; a
     * caller's session cookie when the phone page has one (a third-party client without cookies is
     * bound to its resume token alone, which it must then keep as secret as a password).
     */
    private static String owner(boolean agent, String user, HandshakeInfo handshake) {
        if (agent) {
            return "agent:" + user;
        }
        var session = handshake.getCookies().getFirst("SESSION");
        return session == null ? "caller" : "caller:" + session.getValue();
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
