package org.callvault.security;

import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * The Swagger page's own Content-Security-Policy: the application's, plus inline styles. Swagger
 * UI's bundle injects a {@code <style>} element, which the application's policy refuses (an error
 * in the console, issue 17). Inline styles cannot run script, and the page shows only the API's
 * own description, so this is the one relaxation, on these paths only; scripts stay 'self'.
 * Set before Spring Security's header writer runs, which leaves a policy already present alone.
 */
@Component
@Order(-200) // before the security filter chain (-100)
class ApiExplorerPolicy implements WebFilter {

    static final String POLICY = SecurityConfiguration.CONTENT_SECURITY_POLICY + "; style-src 'self' 'unsafe-inline'";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (request.getPath().pathWithinApplication().value().startsWith("/swagger-ui/")) {
            exchange.getResponse().getHeaders().set("Content-Security-Policy", POLICY);
        }
        return chain.filter(exchange);
    }
}
