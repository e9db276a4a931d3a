package org.callvault.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.WebSession;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Ends a session whose account changed since it signed in (disabled, role changed, password reset
 * or changed): the session is invalidated and this request goes on as anonymous, so the usual
 * rules answer it (401 for the API, the sign-in page for pages, public pages still work).
 * Sockets opened by the session are closed separately, on the same event.
 */
class SessionRevocationFilter implements WebFilter {

    private final RightsVersions versions;

    SessionRevocationFilter(RightsVersions versions) {
        this.versions = versions;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        // A Bearer token is checked against the database on every request; only sessions carry a version.
        return ApiTokenAuthentication.BEARER_API_REQUEST.matches(exchange)
                .flatMap(bearer -> bearer.isMatch() ? chain.filter(exchange) : checkSession(exchange, chain));
    }

    private Mono<Void> checkSession(ServerWebExchange exchange, WebFilterChain chain) {
        return ReactiveSecurityContextHolder.getContext()
                .map(SecurityContext::getAuthentication)
                .filter(auth -> auth.getPrincipal() instanceof CallVaultUserDetails)
                .flatMap(this::isStale)
                .defaultIfEmpty(false)
                .flatMap(stale -> stale
                        ? exchange.getSession().flatMap(WebSession::invalidate)
                                .then(chain.filter(exchange).contextWrite(ReactiveSecurityContextHolder.clearContext()))
                        : chain.filter(exchange));
    }

    private Mono<Boolean> isStale(Authentication auth) {
        CallVaultUserDetails user = (CallVaultUserDetails) auth.getPrincipal();
        return versions.cached(user.getUsername())
                .map(Mono::just)
                .orElseGet(() -> Mono.fromCallable(() -> versions.load(user.getUsername()))
                        .subscribeOn(Schedulers.boundedElastic()))
                .map(current -> current != user.rightsVersion());
    }
}
