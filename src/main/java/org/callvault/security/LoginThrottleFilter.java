package org.callvault.security;

import java.net.URI;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditLog;
import org.callvault.system.ClientAddress;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.server.DefaultServerRedirectStrategy;
import org.springframework.security.web.server.ServerRedirectStrategy;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Stands before the sign-in form handler: a throttled account or address is refused without
 * even checking the password, so guessing gains nothing while the limit holds.
 */
class LoginThrottleFilter implements WebFilter {

    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final ServerRedirectStrategy redirect = new DefaultServerRedirectStrategy();

    LoginThrottleFilter(LoginThrottle throttle, AuditLog audit) {
        this.throttle = throttle;
        this.audit = audit;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getMethod() != HttpMethod.POST
                || !"/login".equals(exchange.getRequest().getPath().pathWithinApplication().value())) {
            return chain.filter(exchange);
        }
        String address = ClientAddress.of(exchange.getRequest());
        return exchange.getFormData().flatMap(form -> {
            String username = form.getFirst("username");
            if (!throttle.isBlocked(username, address)) {
                return chain.filter(exchange);
            }
            long retryAfter = throttle.retryAfterSeconds(username, address);
            return Mono.fromRunnable(() -> audit.record(AuditAction.SIGN_IN_THROTTLED, username, username,
                            "retry after " + retryAfter + " s", address))
                    .subscribeOn(Schedulers.boundedElastic())
                    .then(redirect.sendRedirect(exchange, URI.create("/login?throttled=" + retryAfter)));
        });
    }
}
