package org.callvault.transport.ws;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;

import org.callvault.media.FrameSink;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.WebSocketMessage;

import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A leg's outbound audio on a WebSocket. The queue is short (a few frames): a listener whose
 * network cannot keep up loses its oldest frames, which keeps its latency low and never slows the
 * talker or any other call. The queue alone is not enough: Reactor Netty takes frames from it as
 * fast as they come and piles them up in the channel and the kernel when the listener stops
 * reading. So the channel's outbound is bounded ({@link OutboundBound#MEDIA}) and, while it is full
 * (not writable), frames are dropped here: a listener that reads again hears at most what the
 * bound holds (~0.3 s), then live audio.
 */
final class WebSocketFrameSink implements FrameSink {

    static final int QUEUE_FRAMES = 16;
    static final Duration CLOSE_LINGER = Duration.ofSeconds(2);
    static final Duration SHUTDOWN_REPLY_WAIT = Duration.ofMillis(500);

    private final WebSocketSession socket;
    private final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_FRAMES);
    private final Sinks.Many<Object> frames = Sinks.many().unicast().onBackpressureBuffer(queue);
    private final Counter dropped;
    /** Null outside Reactor Netty (then only the queue bounds what waits). */
    private final Channel channel;

    WebSocketFrameSink(WebSocketSession socket, Channel channel, Counter dropped) {
        this.socket = socket;
        this.channel = channel;
        this.dropped = dropped;
    }

    /** Audio frames ({@code byte[]}), the odd error notice ({@code String}) and a shutdown close ({@code CloseStatus}), in order. */
    Flux<Object> messages() {
        return frames.asFlux();
    }

    @Override
    public synchronized void offer(byte[] frame) {
        if (channel != null && !channel.isWritable()) {
            dropped.increment(); // what is in flight already is as much as a listener may lag
            return;
        }
        Sinks.EmitResult result = frames.tryEmitNext(frame);
        if (result == Sinks.EmitResult.FAIL_OVERFLOW) {
            queue.poll();
            dropped.increment();
            frames.tryEmitNext(frame);
        }
    }

    /** A text notice to the sender (e.g. a rejected frame); dropped if the queue is full. */
    synchronized void notice(String json) {
        frames.tryEmitNext(json);
    }

    /**
     * The call is over and no more frames come. The client closes its own media socket when its
     * event socket says the call ended (the browser does, within milliseconds); the server closes
     * it only if the client has not after {@link #CLOSE_LINGER}. Closing at once while the client
     * still streams resets the connection (Reactor Netty closes the channel right after its close
     * frame, and unread data at close makes the kernel answer with RST), so a busy client could
     * lose the close frame and see 1006 instead of 1000.
     */
    @Override
    public void close() {
        Mono.delay(CLOSE_LINGER).subscribe(tick -> closeNow(CloseStatus.NORMAL.withReason("call ended")));
    }

    /**
     * At shutdown: a close frame with this status (1001), queued behind what is already queued, that
     * leaves the connection open. Reactor Netty closes the connection right after a close frame it
     * sends itself, and a client that is still streaming then gets a reset instead of the close frame
     * (1006); this one goes out as an ordinary message, so the client's close reply ends the
     * connection once it has stopped sending. Closed outright after {@link #SHUTDOWN_REPLY_WAIT}
     * if no reply comes.
     */
    synchronized void closeForShutdown(CloseStatus status) {
        if (frames.tryEmitNext(status) == Sinks.EmitResult.FAIL_OVERFLOW) {
            queue.poll();
            frames.tryEmitNext(status);
        }
        Mono.delay(SHUTDOWN_REPLY_WAIT).subscribe(tick -> closeNow(status));
    }

    /** The WebSocket message for an item of {@link #messages()}. */
    static WebSocketMessage toMessage(WebSocketSession socket, Object item) {
        if (item instanceof byte[] frame) {
            return socket.binaryMessage(factory -> factory.wrap(frame));
        }
        if (item instanceof CloseStatus status) {
            return new WebSocketMessage(WebSocketMessage.Type.BINARY, socket.bufferFactory().wrap(new byte[0]),
                    new CloseWebSocketFrame(status.getCode(), status.getReason()));
        }
        return socket.textMessage((String) item);
    }

    /** Closes with this status now. */
    synchronized void closeNow(CloseStatus status) {
        // Close first: completing the outbound stream first lets Reactor Netty send its own empty
        // close frame (1005) ahead of ours. A no-op if the client closed meanwhile.
        socket.close(status).subscribe();
        frames.tryEmitComplete();
    }
}
