package org.callvault.security;

import java.net.URI;
import java.time.Clock;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditLog;
import org.callvault.system.ClientAddress;
import org.callvault.user.UserNames;
import org.callvault.user.UserRepository;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.DefaultServerRedirectStrategy;
import org.springframework.security.web.server.ServerRedirectStrategy;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.authentication.ServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authentication.ServerAuthenticationSuccessHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * What happens after a sign-in attempt: audit it, settle its throttle reservation (a failure stays
 * counted, a success gives it back and earns the browser a device cookie), send the browser on.
 */
@Component
class SignInHandlers {

    private final AuditLog audit;
    private final UserRepository users;
    private final LoginThrottle throttle;
    private final DeviceCookies devices;
    private final Clock clock;
    private final Counter failures;
    private final ServerRedirectStrategy redirect = new DefaultServerRedirectStrategy();

    SignInHandlers(AuditLog audit, UserRepository users, LoginThrottle throttle, DeviceCookies devices, Clock clock,
            MeterRegistry meters) {
        this.failures = Counter.builder("callvault.signin.failures")
                .description("Sign-ins refused for a wrong user name or password (or a disabled account)")
                .register(meters);
        this.audit = audit;
        this.users = users;
        this.throttle = throttle;
        this.devices = devices;
        this.clock = clock;
    }

    ServerAuthenticationSuccessHandler success() {
        RedirectServerAuthenticationSuccessHandler toSavedRequest = new RedirectServerAuthenticationSuccessHandler("/");
        return (webFilterExchange, authentication) -> {
            String username = authentication.getName();
            ServerWebExchange exchange = webFilterExchange.getExchange();
            String address = ClientAddress.of(exchange.getRequest());
            throttle.succeeded(exchange.getAttribute(LoginThrottleFilter.ATTEMPT));
            boolean secure = "https".equalsIgnoreCase(exchange.getRequest().getURI().getScheme());
            exchange.getResponse().addCookie(devices.issue(username, secure));
            return Mono.fromRunnable(() -> {
                users.recordLogin(username, clock.instant());
                audit.record(AuditAction.SIGN_IN, username, username, null, address);
            }).subscribeOn(Schedulers.boundedElastic())
                    .then(toSavedRequest.onAuthenticationSuccess(webFilterExchange, authentication));
        };
    }

    ServerAuthenticationFailureHandler failure() {
        return (WebFilterExchange webFilterExchange, AuthenticationException exception) -> {
            ServerWebExchange exchange = webFilterExchange.getExchange();
            String address = ClientAddress.of(exchange.getRequest());
            failures.increment();
            return exchange.getFormData().flatMap(form -> {
                // The attempt was counted when it was reserved (LoginThrottleFilter): only audit it here.
                String username = UserNames.canonical(form.getFirst("username"));
                return Mono.fromRunnable(() -> {
                    audit.record(AuditAction.SIGN_IN_FAILED, username, username, exception.getClass().getSimpleName(),
                            address);
                }).subscribeOn(Schedulers.boundedElastic());
            }).then(redirect.sendRedirect(exchange, URI.create("/login?error")));
        };
    }
}
