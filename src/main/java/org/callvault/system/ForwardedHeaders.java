package org.callvault.system;

import java.net.InetSocketAddress;
import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * Forwarded headers, believed only from a trusted proxy. Registered under the name WebFlux looks
 * for, so it runs on every request before security and the WebSocket handshakes, whatever
 * {@code server.forward-headers-strategy} says (Boot's own transformer takes the leftmost
 * X-Forwarded-For, which a client can write, and leaves an unresolved address behind).
 * <ul>
 * <li>From a trusted proxy: scheme, host, port and prefix as Spring adapts them; the client address
 * by {@link TrustedProxies#client}.
 * <li>From anyone else: every forwarded header is removed unread.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class ForwardedHeaders {

    @Bean(name = WebHttpHandlerBuilder.FORWARDED_HEADER_TRANSFORMER_BEAN_NAME)
    ForwardedHeaderTransformer forwardedHeaderTransformer(ProxyProperties properties) {
        return new TrustedForwardedHeaderTransformer(new TrustedProxies(properties.trustedProxies()));
    }

    static final class TrustedForwardedHeaderTransformer extends ForwardedHeaderTransformer {

        private static final List<String> CLIENT_WRITABLE = List.of("Forwarded", "X-Forwarded-Prefix", "X-Forwarded-Ssl");

        private final TrustedProxies proxies;
        private final ForwardedHeaderTransformer remover = new ForwardedHeaderTransformer();

        TrustedForwardedHeaderTransformer(TrustedProxies proxies) {
            this.proxies = proxies;
            remover.setRemoveOnly(true);
        }

        @Override
        public ServerHttpRequest apply(ServerHttpRequest request) {
            InetSocketAddress peer = request.getRemoteAddress();
            if (!proxies.trusts(peer)) {
                return remover.apply(request);
            }
            List<String> forwardedFor = request.getHeaders().getOrEmpty("X-Forwarded-For");
            InetSocketAddress client = proxies.client(peer, forwardedFor);
            // A proxy passes on the headers it does not set itself: only the X-Forwarded-Proto, -Host
            // and -Port that the documented configurations set are used; the rest could be the client's.
            ServerHttpRequest ours = request.mutate().headers(headers -> CLIENT_WRITABLE.forEach(headers::remove)).build();
            return super.apply(ours).mutate().remoteAddress(client).build();
        }
    }
}
