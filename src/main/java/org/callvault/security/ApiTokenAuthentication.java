package org.callvault.security;

import java.util.Arrays;

import org.callvault.user.UserRepository;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.HttpStatusServerEntryPoint;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code Authorization: Bearer cv_...} on {@code /api/**}, the actuator and the OpenAPI document
 * (scrapers and scripts have no browser session): the request runs as the token's owner, with the
 * owner's current role; nothing is stored in a session. A wrong or revoked token is a 401.
 */
final class ApiTokenAuthentication {

    private ApiTokenAuthentication() {
    }

    /** Where a token is accepted: the API, and what machines read (metrics, health, the API's description). */
    static final String[] TOKEN_PATH_PREFIXES = { "/api/", "/actuator/", "/v3/api-docs" };

    static final ServerWebExchangeMatcher BEARER_API_REQUEST = exchange -> {
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        boolean bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                && Arrays.stream(TOKEN_PATH_PREFIXES).anyMatch(path::startsWith);
        return bearer ? ServerWebExchangeMatcher.MatchResult.match() : ServerWebExchangeMatcher.MatchResult.notMatch();
    };

    static AuthenticationWebFilter filter(ApiTokenService tokens, UserRepository users) {
        AuthenticationWebFilter filter = new AuthenticationWebFilter((Authentication request) ->
                Mono.fromCallable(() -> tokens.ownerOf((String) request.getCredentials())
                        .flatMap(users::findByUsername)
                        .filter(user -> user.enabled())
                        .map(CallVaultUserDetails::new)
                        .<Authentication>map(details -> UsernamePasswordAuthenticationToken.authenticated(details, null,
                                details.getAuthorities()))
                        .orElseThrow(() -> new BadCredentialsException("Unknown or revoked API token")))
                        .subscribeOn(Schedulers.boundedElastic()));
        filter.setRequiresAuthenticationMatcher(BEARER_API_REQUEST);
        filter.setServerAuthenticationConverter(ApiTokenAuthentication::convert);
        filter.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        filter.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(
                new HttpStatusServerEntryPoint(org.springframework.http.HttpStatus.UNAUTHORIZED)));
        return filter;
    }

    private static Mono<Authentication> convert(ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        String secret = header == null || header.length() < 8 ? "" : header.substring(7).trim();
        return Mono.just(UsernamePasswordAuthenticationToken.unauthenticated("api-token", secret));
    }
}
