package org.callvault.security;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.callvault.user.User;
import org.callvault.user.UserRepository;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Checks a name and password from the sign-in form. Every attempt costs one password-hash check,
 * whether the name is known, unknown or disabled (a dummy hash stands in for unknown names), so
 * the answer time does not tell which names exist. The name is looked up in canonical form.
 */
@Component
class PasswordSignIn implements ReactiveAuthenticationManager {

    private final UserRepository users;
    private final PasswordEncoder encoder;
    /**
     * Same algorithm and cost as real hashes; matches no password anyone types. Hashed off the
     * start's thread (a tenth of a second of BCrypt that readiness need not wait for).
     */
    private final CompletableFuture<String> dummyHash;

    PasswordSignIn(UserRepository users, PasswordEncoder encoder) {
        this.users = users;
        this.encoder = encoder;
        this.dummyHash = CompletableFuture.supplyAsync(() -> encoder.encode(UUID.randomUUID().toString()));
    }

    @Override
    public Mono<Authentication> authenticate(Authentication request) {
        String name = request.getName();
        String password = request.getCredentials() == null ? "" : request.getCredentials().toString();
        // JDBC and BCrypt block: keep them off the network threads.
        return Mono.fromCallable(() -> check(name, password)).subscribeOn(Schedulers.boundedElastic());
    }

    private Authentication check(String name, String password) {
        Optional<User> user = users.findByUsername(name);
        boolean matches = encoder.matches(password, user.map(User::passwordHash).orElseGet(dummyHash::join));
        if (user.isEmpty() || !matches) {
            throw new BadCredentialsException("Invalid credentials");
        }
        // Only after the password: a disabled account answers in the same time as any other.
        if (!user.get().enabled()) {
            throw new DisabledException("Account disabled");
        }
        CallVaultUserDetails details = new CallVaultUserDetails(user.get());
        return UsernamePasswordAuthenticationToken.authenticated(details, null, details.getAuthorities());
    }
}
