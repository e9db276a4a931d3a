package org.callvault.web;

import java.security.Principal;

import org.springframework.security.core.Authentication;
import org.springframework.security.web.reactive.result.view.CsrfRequestDataValueProcessor;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * What every page's shared layout needs: the CSRF token for forms, who is signed in, and the
 * operator's page settings.
 */
@ControllerAdvice
class LayoutModelAdvice {

    private final PageSettings settings;

    LayoutModelAdvice(PageSettings settings) {
        this.settings = settings;
    }

    @ModelAttribute(name = "pageSettings")
    PageSettings pageSettings() {
        return settings;
    }

    @ModelAttribute(name = "_csrf")
    Mono<CsrfToken> csrfToken(ServerWebExchange exchange) {
        Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
        if (token == null) {
            return Mono.empty();
        }
        // Thymeleaf's th:action adds the hidden field from this attribute.
        return token.doOnSuccess(t -> exchange.getAttributes()
                .put(CsrfRequestDataValueProcessor.DEFAULT_CSRF_ATTR_NAME, t));
    }

    @ModelAttribute(name = "currentUser")
    CurrentUser currentUser(Principal principal) {
        if (principal instanceof Authentication auth && auth.isAuthenticated()) {
            boolean admin = auth.getAuthorities().stream().anyMatch(a -> "ROLE_ADMIN".equals(a.getAuthority()));
            return new CurrentUser(auth.getName(), admin);
        }
        return null;
    }

    record CurrentUser(String username, boolean admin) {
    }
}
