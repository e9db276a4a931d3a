package org.callvault.loadtool;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class WsClientTest {

    @Test
    void handshakeCarriesTheCookieAndNoOrigin() {
        WebSocketClientHandshaker hs = WsClient.handshaker(URI.create("ws://127.0.0.1:18080/ws/events?role=agent"), "SESSION=abc");
        EmbeddedChannel client = new EmbeddedChannel(new io.netty.handler.codec.http.HttpClientCodec());
        hs.handshake(client);
        EmbeddedChannel server = new EmbeddedChannel(new HttpRequestDecoder(), new HttpObjectAggregator(8192), new HttpResponseEncoder());
        Object out;
        while ((out = client.readOutbound()) != null) {
            server.writeInbound(out);
        }
        FullHttpRequest req = server.readInbound();
        assertEquals("/ws/events?role=agent", req.uri());
        assertEquals("SESSION=abc", req.headers().get("Cookie"));
        assertNull(req.headers().get("Origin"));
        assertNull(req.headers().get("Sec-WebSocket-Origin"));
        assertEquals("13", req.headers().get("Sec-WebSocket-Version"));
        assertFalse(req.headers().contains("Sec-WebSocket-Extensions"));
        req.release();
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }
}
