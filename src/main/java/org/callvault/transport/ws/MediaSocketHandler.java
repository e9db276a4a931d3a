package org.callvault.transport.ws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.callvault.call.CallErrorCode;
import org.callvault.call.CallException;
import org.callvault.call.CallService;
import org.callvault.call.MediaAttachment;
import org.callvault.media.AudioFormat;
import org.callvault.media.MediaFrame;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.util.UriComponentsBuilder;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code /ws/media?token=T}: one leg's audio. Each frame is checked, copied once into an
 * immutable array, forwarded to the other leg and queued for the recorder, all on the network
 * thread that read it and without touching the disk.
 */
@Component
class MediaSocketHandler implements WebSocketHandler {

    static final int CLOSE_NO_TOKEN = 4400;
    static final int CLOSE_BAD_TOKEN = 4401;
    static final int CLOSE_LEG_BUSY = 4409;
    private static final int MAX_BAD_FRAMES_IN_A_ROW = 50;

    private final CallService calls;
    private final int maxFrameBytes;
    private final Counter received;
    private final Counter rejected;
    private final Counter dropped;
    private final Scheduler signaling;
    private final AccountSockets accountSockets;

    MediaSocketHandler(CallService calls, AudioFormat format, MeterRegistry meters, SignalingThreads signaling,
            AccountSockets accountSockets) {
        this.calls = calls;
        this.accountSockets = accountSockets;
        this.signaling = signaling.scheduler();
        this.maxFrameBytes = MediaFrame.maxFrameBytes(format);
        this.received = Counter.builder("callvault.media.frames.received").register(meters);
        this.rejected = Counter.builder("callvault.media.frames.rejected")
                .description("Malformed or oversized media frames").register(meters);
        this.dropped = Counter.builder("callvault.media.frames.dropped")
                .description("Outbound frames dropped because a listener fell behind").register(meters);
    }

    @Override
    public Mono<Void> handle(WebSocketSession socket) {
        String token = UriComponentsBuilder.fromUri(socket.getHandshakeInfo().getUri()).build().getQueryParams()
                .getFirst("token");
        if (token == null || token.isBlank()) {
            return socket.close(new CloseStatus(CLOSE_NO_TOKEN, "token required"));
        }
        WebSocketFrameSink sink = new WebSocketFrameSink(socket, dropped);
        // Token checks take the call's lock: not on the event loop.
        return Mono.fromCallable(() -> calls.attachMedia(token, sink))
                .subscribeOn(signaling)
                .flatMap(attachment -> {
                    // An agent's leg: closed with the agent's other sockets if the account changes.
                    String user = accountSockets.userOfMediaToken(token);
                    accountSockets.opened(user, socket);
                    return relay(socket, sink, attachment).doFinally(signal -> accountSockets.closed(user, socket));
                })
                .onErrorResume(CallException.class, e -> socket.close(new CloseStatus(
                        e.code() == CallErrorCode.LEG_BUSY ? CLOSE_LEG_BUSY : CLOSE_BAD_TOKEN, e.getMessage())));
    }

    private Mono<Void> relay(WebSocketSession socket, WebSocketFrameSink sink, MediaAttachment attachment) {
        int track = attachment.role().track();
        FrameChecker checker = new FrameChecker(socket, sink);
        Mono<Void> in = socket.receive().doOnNext(message -> {
            if (message.getType() != WebSocketMessage.Type.BINARY) {
                checker.reject("text on the media socket; frames are binary");
                return;
            }
            DataBuffer payload = message.getPayload();
            byte[] frame = new byte[payload.readableByteCount()];
            payload.read(frame);
            String problem = MediaFrame.validate(frame, maxFrameBytes);
            if (problem != null) {
                checker.reject(problem);
                return;
            }
            checker.accepted();
            received.increment();
            attachment.bridge().receive(track, frame, System.nanoTime());
        }).then();
        Mono<Void> out = socket.send(sink.messages().map(message -> message instanceof byte[] frame
                ? socket.binaryMessage(f -> f.wrap(frame)) : socket.textMessage((String) message)));
        return Mono.zip(in, out).then().doFinally(signal -> signaling
                .schedule(() -> calls.mediaDetached(attachment, sink)));
    }

    /** Counts bad frames, answers at most one error a second, closes after too many in a row. */
    private final class FrameChecker {

        private final WebSocketSession socket;
        private final WebSocketFrameSink sink;
        private int badInARow;
        private long lastErrorSent;

        FrameChecker(WebSocketSession socket, WebSocketFrameSink sink) {
            this.socket = socket;
            this.sink = sink;
        }

        void accepted() {
            badInARow = 0;
        }

        void reject(String problem) {
            rejected.increment();
            if (++badInARow >= MAX_BAD_FRAMES_IN_A_ROW) {
                socket.close(CloseStatus.POLICY_VIOLATION.withReason("too many malformed frames")).subscribe();
                return;
            }
            long now = System.nanoTime();
            if (now - lastErrorSent > 1_000_000_000L || lastErrorSent == 0) {
                lastErrorSent = now;
                String json = "{\"type\":\"error\",\"code\":\"bad_frame\",\"message\":\"" + problem.replace("\"", "'")
                        + "\"}";
                sink.notice(json);
            }
        }
    }
}
