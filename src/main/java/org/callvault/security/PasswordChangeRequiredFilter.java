package org.callvault.security;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.DefaultServerRedirectStrategy;
import org.springframework.security.web.server.ServerRedirectStrategy;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * While a user still has a password that must be replaced (the documented default, or one an
 * admin reset), every page sends them to the password form and every API call gets 403.
 */
class PasswordChangeRequiredFilter implements WebFilter {

    static final String PASSWORD_PAGE = "/account/password";

    private static final List<String> ALLOWED_PREFIXES = List.of(PASSWORD_PAGE, "/logout", "/login", "/css/",
            "/js/", "/webjars/", "/favicon", "/error", "/actuator/health");

    private final ServerRedirectStrategy redirect = new DefaultServerRedirectStrategy();

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (ALLOWED_PREFIXES.stream().anyMatch(path::startsWith)) {
            return chain.filter(exchange);
        }
        return ReactiveSecurityContextHolder.getContext()
                .map(SecurityContext::getAuthentication)
                .filter(PasswordChangeRequiredFilter::mustChangePassword)
                .flatMap(auth -> refuse(exchange, path).then(Mono.just(true)))
                .switchIfEmpty(chain.filter(exchange).then(Mono.just(false)))
                .then();
    }

    private Mono<Void> refuse(ServerWebExchange exchange, String path) {
        if (path.startsWith("/api/") || path.startsWith("/ws/")) {
            var response = exchange.getResponse();
            response.setStatusCode(HttpStatus.FORBIDDEN);
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            byte[] body = "{\"error\":\"password_change_required\",\"message\":\"Change your password first.\"}"
                    .getBytes(StandardCharsets.UTF_8);
            return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
        }
        return redirect.sendRedirect(exchange, URI.create(PASSWORD_PAGE));
    }

    static boolean mustChangePassword(Authentication auth) {
        return auth != null && auth.getPrincipal() instanceof CallVaultUserDetails user && user.mustChangePassword();
    }
}
