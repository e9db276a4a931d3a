package org.callvault.security;

import java.util.List;

import org.callvault.user.Role;
import org.callvault.user.User;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The signed-in user, with the flag that locks everything but the password form, and the rights
 * version the session was signed in under (a newer one in the database ends the session).
 */
public class CallVaultUserDetails extends org.springframework.security.core.userdetails.User {

    private final Role role;
    private final boolean mustChangePassword;
    private final long rightsVersion;

    public CallVaultUserDetails(User user) {
        super(user.username(), user.passwordHash(), user.enabled(), true, true, true,
                List.of(new SimpleGrantedAuthority(user.role().authority())));
        this.role = user.role();
        this.mustChangePassword = user.mustChangePassword();
        this.rightsVersion = user.rightsVersion();
    }

    public long rightsVersion() {
        return rightsVersion;
    }

    public Role role() {
        return role;
    }

    public boolean mustChangePassword() {
        return mustChangePassword;
    }
}
