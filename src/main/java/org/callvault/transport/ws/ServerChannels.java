package org.callvault.transport.ws;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;

import reactor.netty.http.server.HttpServer;

/**
 * The server's open connections by channel id, so a WebSocket handler can reach its socket's Netty
 * channel (Spring's session shows only the id) to bound what is in flight on it. A closed channel
 * leaves the group by itself.
 */
@Component
class ServerChannels implements NettyServerCustomizer {

    private final ChannelGroup channels = new DefaultChannelGroup("callvault", GlobalEventExecutor.INSTANCE);

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, address) -> channels.add(channel));
    }

    /** The socket's channel with its outbound bounded, or {@code null} when not served by Reactor Netty. */
    Channel bounded(WebSocketSession socket, OutboundBound bound) {
        if (!(socket instanceof ReactorNettyWebSocketSession netty)) {
            return null;
        }
        Channel channel = channels.find(netty.getChannelId());
        if (channel != null) {
            bound.apply(channel);
        }
        return channel;
    }
}
