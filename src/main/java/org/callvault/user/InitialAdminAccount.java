package org.callvault.user;

import org.callvault.system.CallVaultProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * On the very first start (no users at all) creates {@code admin}. With no configured password it
 * uses the documented default, which must be replaced at first sign-in; an operator who sets
 * {@code CALLVAULT_ADMIN_PASSWORD} chose it deliberately, so no forced change then.
 */
@Component
@Order(0)
class InitialAdminAccount implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(InitialAdminAccount.class);

    private final UserRepository users;
    private final UserService service;
    private final CallVaultProperties properties;

    InitialAdminAccount(UserRepository users, UserService service, CallVaultProperties properties) {
        this.users = users;
        this.service = service;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (users.count() > 0) {
            return;
        }
        String configured = properties.admin().password();
        if (configured != null && !configured.isBlank()) {
            PasswordPolicy.violation(UserService.ADMIN_USERNAME, configured).ifPresent(reason -> {
                throw new IllegalStateException("CALLVAULT_ADMIN_PASSWORD is not acceptable: " + reason);
            });
            service.createInitialAdmin(configured, false);
            log.info("Created user 'admin' with the configured password");
        }
        else {
            service.createInitialAdmin(UserService.DEFAULT_ADMIN_PASSWORD, true);
            log.warn("Created user 'admin' with the default password 'admin123': it must be changed at first sign-in");
        }
    }
}
