package org.callvault.security;

import java.net.URI;

import org.callvault.audit.AuditLog;
import org.callvault.system.CallVaultProperties;
import org.callvault.user.UserRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.server.DelegatingServerAuthenticationEntryPoint;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.HttpStatusServerEntryPoint;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.logout.RedirectServerLogoutSuccessHandler;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;

/**
 * Who may reach what. Pages redirect anonymous users to the sign-in form; {@code /api/**} answers
 * them 401. ADMIN may do everything; AGENT answers calls and lists and plays recordings.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

    static final String[] PUBLIC_PATHS = { "/login", "/css/**", "/js/**", "/webjars/**", "/favicon.ico", "/favicon.svg", "/error",
            "/actuator/health", "/actuator/health/**" };

    /** The caller's side: public unless the operator says otherwise. */
    static final String[] PHONE_PATHS = { "/phone", "/ws/events", "/ws/media", "/api/mic-tests", "/api/mic-tests/**" };

    static final String[] API_EXPLORER_PATHS = { "/swagger-ui.html", "/swagger-ui/**", "/webjars/swagger-ui/**",
            "/v3/api-docs", "/v3/api-docs/**" };

    static final String[] ADMIN_PATHS = { "/users", "/users/**", "/api/users/**", "/actuator/**", "/audit",
        "/api/calls/*/metadata", "/audit/**", "/api/audit", "/api/audit/**", "/retention", "/retention/**",
        "/api/retention/**", "/api/calls/*/hold", "/api/calls/hold", "/api/calls/*/access", "/recordings/*/hold",
        "/recordings/*/release", "/recordings/hold", "/recordings/calls/**" };

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
            + "connect-src 'self'; object-src 'none'; frame-ancestors 'none'";

    @Bean
    PasswordEncoder passwordEncoder() {
        // BCrypt today, with the {id} prefix so the hash can be upgraded later without a migration.
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    ServerSecurityContextRepository securityContextRepository() {
        return new WebSessionServerSecurityContextRepository();
    }

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, SignInHandlers handlers,
            LoginThrottle throttle, AuditLog audit, CallVaultProperties properties,
            ServerSecurityContextRepository contextRepository, ApiTokenService tokens, UserRepository users,
            PasswordSignIn passwordSignIn, DeviceCookies devices, RightsVersions rightsVersions) {
        boolean phonePublic = !properties.calls().phoneRequiresLogin();
        // Machines, not people, read these: a 401 they can report, not a sign-in page.
        var apiEntryPoint = new DelegatingServerAuthenticationEntryPoint.DelegateEntry(
                new OrServerWebExchangeMatcher(new PathPatternParserServerWebExchangeMatcher("/api/**"),
                        new PathPatternParserServerWebExchangeMatcher("/actuator/**"),
                        new PathPatternParserServerWebExchangeMatcher("/v3/api-docs/**"),
                        new PathPatternParserServerWebExchangeMatcher("/v3/api-docs")),
                new HttpStatusServerEntryPoint(HttpStatus.UNAUTHORIZED));
        var entryPoint = new DelegatingServerAuthenticationEntryPoint(apiEntryPoint);
        entryPoint.setDefaultEntryPoint(new RedirectServerAuthenticationEntryPoint("/login"));

        var logoutSuccess = new RedirectServerLogoutSuccessHandler();
        logoutSuccess.setLogoutSuccessUrl(URI.create("/login?logout"));

        return http
                .securityContextRepository(contextRepository)
                .authorizeExchange(exchanges -> {
                    // The API explorer is for signed-in users; its files sit under the public /webjars.
                    exchanges.pathMatchers(API_EXPLORER_PATHS).authenticated();
                    exchanges.pathMatchers(PUBLIC_PATHS).permitAll();
                    if (phonePublic) {
                        exchanges.pathMatchers(PHONE_PATHS).permitAll();
                    }
                    exchanges.pathMatchers(ADMIN_PATHS).hasRole("ADMIN");
                    // Deleting recordings and running retention: ADMIN only, in the API and the pages.
                    exchanges.pathMatchers(HttpMethod.DELETE, "/api/**").hasRole("ADMIN");
                    exchanges.pathMatchers(HttpMethod.POST, "/api/recordings/bulk-delete", "/api/recordings/convert",
                            "/api/retention/**",
                            "/recordings/*/delete", "/recordings/bulk-delete", "/retention/run").hasRole("ADMIN");
                    // The conversion's progress names who started it: as admin-only as starting it.
                    exchanges.pathMatchers(HttpMethod.GET, "/api/recordings/convert").hasRole("ADMIN");
                    exchanges.anyExchange().authenticated();
                })
                .formLogin(form -> form.loginPage("/login")
                        .authenticationManager(passwordSignIn)
                        .authenticationSuccessHandler(handlers.success())
                        .authenticationFailureHandler(handlers.failure()))
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessHandler(logoutSuccess))
                .exceptionHandling(ex -> ex.authenticationEntryPoint(entryPoint))
                .headers(headers -> headers
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY)))
                // Scripts with a Bearer token carry no cookie, so there is no cross-site request to forge.
                .csrf(csrf -> csrf.requireCsrfProtectionMatcher(new AndServerWebExchangeMatcher(
                        CsrfWebFilter.DEFAULT_CSRF_MATCHER,
                        new NegatedServerWebExchangeMatcher(ApiTokenAuthentication.BEARER_API_REQUEST))))
                .addFilterAt(ApiTokenAuthentication.filter(tokens, users), SecurityWebFiltersOrder.AUTHENTICATION)
                .addFilterBefore(new LoginThrottleFilter(throttle, devices, audit), SecurityWebFiltersOrder.FORM_LOGIN)
                // After every way of signing in, before any rule is applied: a session whose account
                // changed since it signed in is ended here.
                .addFilterAfter(new SessionRevocationFilter(rightsVersions), SecurityWebFiltersOrder.AUTHENTICATION)
                .addFilterAfter(new PasswordChangeRequiredFilter(), SecurityWebFiltersOrder.AUTHORIZATION)
                .build();
    }
}
