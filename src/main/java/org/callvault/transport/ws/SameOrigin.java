package org.callvault.transport.ws;

import java.net.URI;
import java.util.List;

import org.springframework.http.HttpHeaders;

/**
 * Browsers send cookies with a WebSocket handshake from any site, so an agent's socket opened by a
 * foreign page would act as the agent. Refuse handshakes whose Origin is not this server.
 */
final class SameOrigin {

    private SameOrigin() {
    }

    static boolean allowed(HttpHeaders headers) {
        String origin = headers.getOrigin();
        if (origin == null) {
            return true; // not a browser: tokens and session cookies still apply
        }
        List<String> forwardedHost = headers.get("X-Forwarded-Host");
        String host = forwardedHost != null && !forwardedHost.isEmpty() ? forwardedHost.get(0) : headers.getFirst(HttpHeaders.HOST);
        try {
            URI uri = URI.create(origin);
            String originHost = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return host != null && (host.equalsIgnoreCase(originHost) || stripDefaultPort(host).equalsIgnoreCase(uri.getHost()));
        }
        catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String stripDefaultPort(String host) {
        return host.endsWith(":80") || host.endsWith(":443") ? host.substring(0, host.lastIndexOf(':')) : host;
    }
}
