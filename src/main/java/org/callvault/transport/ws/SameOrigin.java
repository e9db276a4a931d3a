package org.callvault.transport.ws;

import java.net.URI;

import org.springframework.web.reactive.socket.HandshakeInfo;

/**
 * Browsers send cookies with a WebSocket handshake from any site, so an agent's socket opened by a
 * foreign page would act as the agent. Refuse handshakes whose Origin is not this server.
 * <p>
 * "This server" is the address the browser used: the request URI, which behind a trusted proxy
 * carries the proxy's X-Forwarded-Host/-Port/-Proto (system.ForwardedHeaders), so a proxy on a
 * non-default port keeps its port. Default ports (80, 443) match each other: a proxy that ends TLS
 * without saying so would otherwise turn every https Origin away.
 */
final class SameOrigin {

    private SameOrigin() {
    }

    static boolean allowed(HandshakeInfo handshake) {
        String origin = handshake.getHeaders().getOrigin();
        if (origin == null) {
            return true; // not a browser: tokens and session cookies still apply
        }
        try {
            URI from = URI.create(origin);
            URI server = handshake.getUri();
            return from.getHost() != null && from.getHost().equalsIgnoreCase(server.getHost())
                    && (isDefault(server.getPort()) ? isDefault(from.getPort()) : from.getPort() == server.getPort());
        }
        catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isDefault(int port) {
        return port == -1 || port == 80 || port == 443;
    }
}
