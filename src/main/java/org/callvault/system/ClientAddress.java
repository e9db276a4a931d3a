package org.callvault.system;

import java.net.InetSocketAddress;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The client's address as the server sees it: the TCP peer, or behind a trusted reverse proxy the
 * address that proxy vouches for ({@link ForwardedHeaders}).
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(ServerHttpRequest request) {
        return of(request.getRemoteAddress());
    }

    /** Never throws: an address the proxy could not give as an IP literal is unresolved here. */
    public static String of(InetSocketAddress remote) {
        if (remote == null) {
            return "unknown";
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }
}
