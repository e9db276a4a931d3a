package org.callvault.user;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditLog;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Accounts: creation, password changes, enabling and disabling; every change is audited, and every
 * change of rights publishes {@link AccountRightsChanged} so open sessions and sockets end.
 */
@Service
public class UserService {

    public static final String ADMIN_USERNAME = "admin";
    public static final String DEFAULT_ADMIN_PASSWORD = "admin123";

    private final UserRepository users;
    private final PasswordEncoder encoder;
    private final AuditLog audit;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    public UserService(UserRepository users, PasswordEncoder encoder, AuditLog audit, Clock clock,
            ApplicationEventPublisher events) {
        this.users = users;
        this.encoder = encoder;
        this.audit = audit;
        this.clock = clock;
        this.events = events;
    }

    public List<User> all() {
        return users.findAll();
    }

    public java.util.Optional<User> byUsername(String username) {
        return users.findByUsername(username);
    }

    /** An ADMIN names anyone; everyone else only themselves (checked by the caller's choice of id). */
    @Transactional
    public void changeDisplayName(String userId, String typedName, String actor) {
        User user = users.findById(userId).orElseThrow(() -> new UserException("Unknown user."));
        String name = DisplayNames.validated(typedName);
        users.updateDisplayName(user.id(), name, clock.instant());
        audit.record(AuditAction.USER_DISPLAY_NAME_CHANGED, actor, user.username(),
                user.displayName() + " -> " + name, null);
        events.publishEvent(new DisplayNameChanged(user.username()));
    }

    /**
     * Deletes an account: its sessions and sockets end at once (its rights version is gone), its
     * API tokens go with it ({@link AccountDeleted}), and its calls keep naming it by user name.
     */
    @Transactional
    public void delete(String userId, String actor) {
        User user = users.findById(userId).orElseThrow(() -> new UserException("Unknown user."));
        if (user.username().equals(actor)) {
            throw new UserConflictException("You cannot delete your own account.");
        }
        // Locked, so that two admins deleting each other at the same moment cannot both succeed.
        if (user.role() == Role.ADMIN && user.enabled() && users.lockEnabledAdmins() <= 1) {
            throw new UserConflictException("The last enabled administrator cannot be deleted.");
        }
        if (!users.delete(user.id())) {
            throw new UserException("Unknown user.");
        }
        audit.record(AuditAction.USER_DELETED, actor, user.username(), "display name " + user.displayName(), null);
        events.publishEvent(new AccountDeleted(user.username()));
        events.publishEvent(new AccountRightsChanged(user.username()));
        events.publishEvent(new DisplayNameChanged(user.username()));
    }

    @Transactional
    public User create(String typedName, String password, Role role, String actor) {
        String username = typedName == null ? null : typedName.strip();
        if (username == null || !UserNames.TYPED.matcher(username).matches()) {
            throw new UserException("User name must be 3 to 64 letters, digits, dots, dashes or underscores.");
        }
        if (role == null) {
            throw new UserException("Choose a role.");
        }
        // Names are compared in canonical form: "Maria" and "maria" would be one person to everyone.
        users.findByUsername(username).ifPresent(existing -> {
            throw new UserException("A user named " + existing.username() + " already exists (user names are "
                    + "compared without regard to case), so " + username + " cannot be created.");
        });
        PasswordPolicy.violation(username, password).ifPresent(reason -> {
            throw new UserException(reason);
        });
        // A password chosen by an admin is known to two people: the user replaces it at first sign-in.
        User user = new User(UUID.randomUUID().toString(), username, encoder.encode(password), role, true,
                true, clock.instant(), null);
        try {
            users.insert(user);
        }
        catch (DuplicateKeyException e) {
            // Two admins creating twins at the same moment: the unique index on the canonical name decides.
            throw new UserException("A user named " + username + " (or the same name in another case) already exists.");
        }
        audit.record(AuditAction.USER_CREATED, actor, username, "role=" + role, null);
        return user;
    }

    /** Creates the first administrator; {@code mustChange} when the documented default is used. */
    @Transactional
    public void createInitialAdmin(String password, boolean mustChange) {
        User admin = new User(UUID.randomUUID().toString(), ADMIN_USERNAME, encoder.encode(password), Role.ADMIN,
                true, mustChange, clock.instant(), null);
        users.insert(admin);
        audit.record(AuditAction.USER_CREATED, "system", ADMIN_USERNAME,
                mustChange ? "initial admin, default password" : "initial admin, configured password", null);
    }

    @Transactional
    public void changeOwnPassword(String username, String currentPassword, String newPassword) {
        User user = users.findByUsername(username).orElseThrow(() -> new UserException("Unknown user."));
        if (currentPassword == null || !encoder.matches(currentPassword, user.passwordHash())) {
            throw new UserException("The current password is not correct.");
        }
        if (currentPassword.equals(newPassword)) {
            throw new UserException("The new password must differ from the current one.");
        }
        PasswordPolicy.violation(username, newPassword).ifPresent(reason -> {
            throw new UserException(reason);
        });
        users.updatePassword(user.id(), encoder.encode(newPassword), false, clock.instant());
        audit.record(AuditAction.PASSWORD_CHANGED, username, username, null, null);
        events.publishEvent(new AccountRightsChanged(user.username()));
    }

    @Transactional
    public void resetPassword(String userId, String newPassword, String actor) {
        User user = users.findById(userId).orElseThrow(() -> new UserException("Unknown user."));
        PasswordPolicy.violation(user.username(), newPassword).ifPresent(reason -> {
            throw new UserException(reason);
        });
        users.updatePassword(user.id(), encoder.encode(newPassword), true, clock.instant());
        audit.record(AuditAction.USER_PASSWORD_RESET, actor, user.username(), null, null);
        events.publishEvent(new AccountRightsChanged(user.username()));
    }

    @Transactional
    public void setEnabled(String userId, boolean enabled, String actor) {
        User user = users.findById(userId).orElseThrow(() -> new UserException("Unknown user."));
        if (!enabled && user.username().equals(actor)) {
            throw new UserException("You cannot disable your own account.");
        }
        if (!enabled && user.role() == Role.ADMIN && users.countEnabledAdmins() <= 1) {
            throw new UserException("The last enabled administrator cannot be disabled.");
        }
        users.updateEnabled(user.id(), enabled, clock.instant());
        audit.record(enabled ? AuditAction.USER_ENABLED : AuditAction.USER_DISABLED, actor, user.username(), null,
                null);
        events.publishEvent(new AccountRightsChanged(user.username()));
    }

    @Transactional
    public void changeRole(String userId, Role role, String actor) {
        User user = users.findById(userId).orElseThrow(() -> new UserException("Unknown user."));
        if (user.role() == Role.ADMIN && role != Role.ADMIN && users.countEnabledAdmins() <= 1) {
            throw new UserException("The last enabled administrator must stay an administrator.");
        }
        users.updateRole(user.id(), role, clock.instant());
        audit.record(AuditAction.USER_ROLE_CHANGED, actor, user.username(), user.role() + " -> " + role, null);
        events.publishEvent(new AccountRightsChanged(user.username()));
    }
}
