package org.callvault.transport.ws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.callvault.call.CallErrorCode;
import org.callvault.call.CallException;
import org.callvault.call.CallService;
import org.callvault.call.MediaAttachment;
import org.callvault.media.AudioFormat;
import org.callvault.media.Bridge;
import org.callvault.media.FrameSink;
import org.callvault.media.MediaFrame;
import org.callvault.media.codec.OpusWire;
import org.callvault.media.TrafficPolicer;
import org.callvault.system.CallVaultProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * {@code /ws/media?token=T}: one leg's audio. Each frame is policed (real time plus a burst),
 * checked, copied once into an immutable array, forwarded to the other leg and queued for the
 * recorder, all on the network thread that read it and without touching the disk.
 */
@Component
class MediaSocketHandler implements WebSocketHandler {

    static final int CLOSE_NO_TOKEN = 4400;
    static final int CLOSE_BAD_TOKEN = 4401;
    static final int CLOSE_LEG_BUSY = 4409;
    /** The token names a node declared lost: the call ended with it (docs/protocol.md). */
    static final int CLOSE_SERVER_LOST = 4410;
    /** The call's node is quiet but not declared lost yet: reconnect a little later (any other code retries too). */
    static final int CLOSE_TRY_AGAIN = 4503;
    private static final int MAX_BAD_FRAMES_IN_A_ROW = 50;
    private static final Logger log = LoggerFactory.getLogger(MediaSocketHandler.class);

    private final CallService calls;
    private final int maxFrameBytes;
    private final Counter received;
    private final Counter rejected;
    private final Counter dropped;
    private final Counter policed;
    private final Counter undecodable;
    private final Counter notDecoded;
    private final MediaWire mediaWire;
    private final AudioFormat format;
    private final ServerChannels channels;
    private final Scheduler signaling;
    private final OpenSockets openSockets;
    private final AccountSockets accountSockets;
    private final int sampleRate;
    /** The cheapest a frame can be: half a frame of audio, so tiny frames cannot flood the relay. */
    private final int minSamplesCharged;
    private final long burstNanos;
    /** Dropped frames in {@link TrafficPolicer#ABUSE_WINDOW_NANOS} that close the socket: 5 s of frames. */
    private final int abusiveDrops;

    MediaSocketHandler(CallService calls, AudioFormat format, MeterRegistry meters, SignalingThreads signaling,
            CallVaultProperties properties, ServerChannels channels, OpenSockets openSockets,
            AccountSockets accountSockets, MediaWire mediaWire) {
        this.calls = calls;
        this.mediaWire = mediaWire;
        this.format = format;
        this.openSockets = openSockets;
        this.accountSockets = accountSockets;
        this.channels = channels;
        this.signaling = signaling.scheduler();
        this.maxFrameBytes = MediaFrame.maxFrameBytes(format);
        this.sampleRate = format.sampleRate();
        this.minSamplesCharged = format.samplesPerFrame() / 2;
        // Never below the largest legal frame, or such a frame could never pass.
        this.burstNanos = Math.max(properties.media().burst().toNanos(),
                (maxFrameBytes - MediaFrame.HEADER_BYTES) / 2 * 1_000_000_000L / sampleRate);
        this.abusiveDrops = (int) (TrafficPolicer.ABUSE_WINDOW_NANOS / 1_000_000 / format.frameMillis());
        this.received = Counter.builder("callvault.media.frames.received").register(meters);
        this.rejected = Counter.builder("callvault.media.frames.rejected")
                .description("Malformed or oversized media frames").register(meters);
        this.dropped = Counter.builder("callvault.media.frames.dropped")
                .description("Outbound frames dropped because a listener fell behind").register(meters);
        this.policed = Counter.builder("callvault.media.frames.policed")
                .description("Inbound frames dropped because a leg sent faster than real time").register(meters);
        this.undecodable = Counter.builder("callvault.media.frames.undecodable")
                .description("Opus frames whose packet did not decode (also counted as rejected)").register(meters);
        this.notDecoded = Counter.builder("callvault.media.frames.opus.passed")
                .description("Opus frames relayed and recorded as they came, with no decoding").register(meters);
    }

    @Override
    public Mono<Void> handle(WebSocketSession socket) {
        String token = UriComponentsBuilder.fromUri(socket.getHandshakeInfo().getUri()).build().getQueryParams()
                .getFirst("token");
        if (token == null || token.isBlank()) {
            return socket.close(new CloseStatus(CLOSE_NO_TOKEN, "token required"));
        }
        WebSocketFrameSink sink = new WebSocketFrameSink(socket, channels.bounded(socket, OutboundBound.MEDIA), dropped);
        // What the leg's event socket agreed (protocol version 2), on whichever node it is; PCM for a
        // version-1 client. Never what the client says here: only the agreement counts.
        boolean opus = calls.mediaSpeaksOpus(token);
        if (opus && !mediaWire.opusSpoken()) {
            // Another node agreed Opus for a call of this one, whose audio settings rule it out: the
            // nodes of a cluster must share them (docs/ARCHITECTURE.md, "Live calls across nodes").
            log.warn("Media token agreed Opus on another node, but this node's audio format does not allow it");
            return socket.close(new CloseStatus(CLOSE_BAD_TOKEN, "this node does not speak Opus"));
        }
        OpusWire.Outbound opusOut = opus ? new OpusWire.Outbound(sink, format, mediaWire.opusBitrate()) : null;
        FrameSink outbound = opus ? opusOut : sink;
        // Token checks take the call's lock: not on the event loop.
        return Mono.fromCallable(() -> calls.attachMedia(token, outbound))
                .subscribeOn(signaling)
                .flatMap(attachment -> {
                    // An agent's leg: closed with the agent's other sockets if the account changes.
                    String user = accountSockets.userOfMediaToken(token);
                    if (user == null && attachment.role() == org.callvault.call.LegRole.AGENT) {
                        user = calls.liveAgent(attachment.callId()); // a console on another node took the leg
                    }
                    String holder = user;
                    accountSockets.opened(holder, socket);
                    return relay(socket, sink, opusOut, attachment).doFinally(signal -> accountSockets.closed(holder, socket));
                })
                // Refused or gone before the relay started: the encoder's native state goes now
                // (release is idempotent; the relay frees it itself when it ends).
                .doOnError(e -> release(opusOut))
                .doOnCancel(() -> release(opusOut))
                .onErrorResume(CallException.class, e -> socket.close(new CloseStatus(closeCode(e.code()), e.getMessage())));
    }

    private static int closeCode(CallErrorCode code) {
        return switch (code) {
            case LEG_BUSY -> CLOSE_LEG_BUSY;
            case SERVER_LOST -> CLOSE_SERVER_LOST;
            case TRY_AGAIN -> CLOSE_TRY_AGAIN;
            default -> CLOSE_BAD_TOKEN;
        };
    }

    private Mono<Void> relay(WebSocketSession socket, WebSocketFrameSink sink, OpusWire.Outbound opusOut,
            MediaAttachment attachment) {
        int track = attachment.role().track();
        openSockets.opened(sink);
        FrameChecker checker = new FrameChecker(socket, sink);
        // An Opus leg decodes each frame at most once, here, and only if a PCM listener or recording needs it.
        OpusWire.Inbound opusIn = opusOut != null ? new OpusWire.Inbound(format) : null;
        TrafficPolicer policer = new TrafficPolicer(burstNanos, abusiveDrops, System.nanoTime());
        Mono<Void> in = socket.receive().doOnNext(message -> {
            // Before anything else, so a flood costs neither a copy nor a check nor the listener.
            long now = System.nanoTime();
            long cost = opusIn != null ? OpusWire.FRAME_NANOS : cost(message.getPayload().readableByteCount());
            if (!policer.admit(cost, now)) {
                policed.increment();
                if (policer.abusive()) {
                    checker.closeForFlood();
                }
                return;
            }
            if (message.getType() != WebSocketMessage.Type.BINARY) {
                checker.reject("text on the media socket; frames are binary");
                return;
            }
            DataBuffer payload = message.getPayload();
            byte[] frame = new byte[payload.readableByteCount()];
            payload.read(frame);
            if (opusIn != null) {
                receiveOpus(checker, opusIn, attachment, track, frame, now);
                return;
            }
            String problem = MediaFrame.validate(frame, maxFrameBytes);
            if (problem != null) {
                checker.reject(problem);
                return;
            }
            checker.accepted();
            received.increment();
            attachment.bridge().receive(track, frame, now);
        }).then();
        Mono<Void> out = socket.send(sink.messages().map(message -> WebSocketFrameSink.toMessage(socket, message)));
        FrameSink attached = opusOut != null ? opusOut : sink;
        return Mono.zip(in, out).then().doFinally(signal -> {
            openSockets.closed(sink);
            if (opusOut != null) {
                // Native codec state is freed with the socket; a frame in flight then gets nothing.
                opusIn.close();
                opusOut.release();
            }
            signaling.schedule(() -> calls.mediaDetached(attachment, attached));
        });
    }

    /**
     * An Opus frame: checked, then decoded once if anyone needs PCM (a PCM listener, a recording
     * of PCM), else relayed and recorded as it came, its packet's framing checked without decoding.
     * A bad packet is counted, never thrown.
     */
    private void receiveOpus(FrameChecker checker, OpusWire.Inbound opusIn, MediaAttachment attachment, int track,
            byte[] frame, long now) {
        String problem = OpusWire.validate(frame);
        if (problem != null) {
            checker.reject(problem);
            return;
        }
        Bridge bridge = attachment.bridge();
        byte[] pcm = null;
        if (bridge.needsPcm(track)) {
            try {
                pcm = opusIn.decode(frame);
            }
            catch (IllegalArgumentException e) {
                undecodable.increment();
                checker.reject("undecodable Opus packet: " + e.getMessage());
                return;
            }
            if (pcm == null) {
                return; // the socket closed under this frame
            }
        }
        else {
            problem = OpusWire.checkPacket(frame);
            if (problem != null) {
                undecodable.increment();
                checker.reject(problem);
                return;
            }
            notDecoded.increment();
        }
        checker.accepted();
        received.increment();
        bridge.receive(track, frame, pcm, now);
    }

    private static void release(OpusWire.Outbound opusOut) {
        if (opusOut != null) {
            opusOut.release();
        }
    }

    /** What a frame of this many bytes spends of the leg's real-time budget: its audio's duration. */
    private long cost(int frameBytes) {
        int samples = Math.max(minSamplesCharged, (frameBytes - MediaFrame.HEADER_BYTES) / 2);
        return samples * 1_000_000_000L / sampleRate;
    }

    /** Counts bad frames, answers at most one error a second, closes after too many in a row. */
    private final class FrameChecker {

        private final WebSocketSession socket;
        private final WebSocketFrameSink sink;
        private int badInARow;
        private long lastErrorSent;
        private boolean closing;

        FrameChecker(WebSocketSession socket, WebSocketFrameSink sink) {
            this.socket = socket;
            this.sink = sink;
        }

        void accepted() {
            badInARow = 0;
        }

        /** Sustained sending faster than real time: not a stall catching up, so the socket goes. */
        void closeForFlood() {
            if (!closing) {
                closing = true;
                socket.close(CloseStatus.POLICY_VIOLATION.withReason("sending faster than real time")).subscribe();
            }
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
