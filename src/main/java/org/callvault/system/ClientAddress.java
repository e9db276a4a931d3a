package org.callvault.system;

import java.net.InetSocketAddress;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The client's address as the server sees it. Behind a reverse proxy, set
 * {@code server.forward-headers-strategy=framework} so X-Forwarded-For is honoured; it is not
 * trusted by default because any client could forge it.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote == null) {
            return "unknown";
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }
}
