package org.callvault.support;

import java.time.Instant;
import java.util.UUID;

import org.callvault.user.Role;
import org.callvault.user.UserRepository;
import org.callvault.user.UserService;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/** Creates ready-to-use accounts (no forced change) with unique names for a test. */
@Component
public class TestUsers {

    public static final String PASSWORD = "test-user-password";

    private final UserService service;
    private final UserRepository users;
    private final PasswordEncoder encoder;

    public TestUsers(UserService service, UserRepository users, PasswordEncoder encoder) {
        this.service = service;
        this.users = users;
        this.encoder = encoder;
    }

    /** The id of an existing account, for the Users page's forms. */
    public String idOf(String name) {
        return users.findByUsername(name).orElseThrow().id();
    }

    public String create(Role role) {
        String name = role.name().toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8);
        var user = service.create(name, PASSWORD, role, "test");
        users.updatePassword(user.id(), encoder.encode(PASSWORD), false, Instant.now());
        return name;
    }
}
