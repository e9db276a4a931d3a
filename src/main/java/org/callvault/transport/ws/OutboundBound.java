package org.callvault.transport.ws;

import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;

/**
 * Bounds what a socket holds in flight towards a client that does not read: Netty's outbound buffer
 * (its high water mark: above it the channel reports itself not writable and the sinks stop writing)
 * and the kernel's send buffer (fixed, so the kernel does not grow it to megabytes). Without both,
 * a listener that paused for 8 s got 8 s of stale audio at once when it read again.
 */
final class OutboundBound {

    /** Media: ~4 frames in Netty, ~16 in the kernel; together well under 0.5 s of audio. */
    static final OutboundBound MEDIA = new OutboundBound(8 * 1024, 16 * 1024);
    /** Event sockets: a few dozen messages. */
    static final OutboundBound EVENTS = new OutboundBound(16 * 1024, 16 * 1024);

    final int highWaterMark;
    final int sendBuffer;

    private OutboundBound(int highWaterMark, int sendBuffer) {
        this.highWaterMark = highWaterMark;
        this.sendBuffer = sendBuffer;
    }

    void apply(Channel ch) {
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(highWaterMark / 2, highWaterMark));
        if (ch instanceof SocketChannel tcp) {
            // Linux doubles it for its bookkeeping; setting it also turns off the kernel's auto-tuning.
            tcp.config().setSendBufferSize(sendBuffer);
        }
    }
}
