package org.callvault.transport.ws;

import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;

import reactor.netty.http.server.WebsocketServerSpec;

/** The two sockets of docs/protocol.md, served by Reactor Netty straight from its event loops. */
@Configuration(proxyBeanMethods = false)
class WebSocketConfiguration {

    /** Netty refuses anything larger before it is even buffered; the handlers apply tighter limits. */
    static final int MAX_WEBSOCKET_FRAME = 64 * 1024;

    @Bean
    HandlerMapping webSocketMapping(EventSocketHandler events, MediaSocketHandler media) {
        SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(Map.of("/ws/events", events, "/ws/media", media));
        mapping.setOrder(-1);
        return mapping;
    }

    @Bean
    WebSocketHandlerAdapter webSocketHandlerAdapter() {
        var strategy = new ReactorNettyRequestUpgradeStrategy(
                () -> WebsocketServerSpec.builder().maxFramePayloadLength(MAX_WEBSOCKET_FRAME));
        return new WebSocketHandlerAdapter(new HandshakeWebSocketService(strategy));
    }
}
