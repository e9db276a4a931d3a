package org.callvault.security;

import java.net.URI;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditLog;
import org.callvault.system.ClientAddress;
import org.callvault.user.UserNames;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.server.DefaultServerRedirectStrategy;
import org.springframework.security.web.server.ServerRedirectStrategy;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Stands before the sign-in form handler and reserves the attempt in the {@link LoginThrottle}
 * before the password is checked: a throttled account, address or device is refused without
 * checking the password, and simultaneous guesses cannot all slip past the limit. The reservation
 * rides on the exchange to {@link SignInHandlers}, which gives it back on success.
 */
class LoginThrottleFilter implements WebFilter {

    /** Exchange attribute holding this request's {@link LoginThrottle.Attempt}. */
    static final String ATTEMPT = LoginThrottleFilter.class.getName() + ".attempt";

    private final LoginThrottle throttle;
    private final DeviceCookies devices;
    private final AuditLog audit;
    private final ServerRedirectStrategy redirect = new DefaultServerRedirectStrategy();

    LoginThrottleFilter(LoginThrottle throttle, DeviceCookies devices, AuditLog audit) {
        this.throttle = throttle;
        this.devices = devices;
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
            String username = UserNames.canonical(form.getFirst("username"));
            String device = devices.deviceOf(exchange.getRequest(), username).orElse(null);
            LoginThrottle.Attempt attempt = throttle.reserve(username, address, device);
            if (attempt.allowed()) {
                exchange.getAttributes().put(ATTEMPT, attempt);
                return chain.filter(exchange);
            }
            if (attempt.unavailable()) {
                return redirect.sendRedirect(exchange, URI.create("/login?unavailable"));
            }
            Mono<Void> report = attempt.refusedToReport() == 0 ? Mono.empty()
                    : Mono.<Void>fromRunnable(() -> audit.record(AuditAction.SIGN_IN_THROTTLED, username, username,
                            "locked out for " + attempt.retryAfterSeconds() + " s"
                                    + (device != null ? " (this browser's device budget)" : "")
                                    + "; refused attempts reported by this row: " + attempt.refusedToReport(),
                            address)).subscribeOn(Schedulers.boundedElastic());
            return report.then(redirect.sendRedirect(exchange,
                    URI.create("/login?throttled=" + attempt.retryAfterSeconds())));
        });
    }
}
