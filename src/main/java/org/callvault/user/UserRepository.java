package org.callvault.user;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class UserRepository {

    private static final String COLUMNS = """
            id, username, canonical_username, password_hash, role, enabled, must_change_password, created_at,
            last_login_at, rights_version, display_name
            """;

    /** Every change of what an account may do moves its version on; see {@link AccountRightsChanged}. */
    private static final String NEXT_VERSION = "rights_version = rights_version + 1";

    private final JdbcClient jdbc;

    public UserRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The account a typed name means: compared in canonical form, exactly. The database's own
     * comparison only narrows the search; the match is confirmed here, so an accent- or
     * pad-insensitive collation cannot make {@code ádmin} or {@code admin } another name for it.
     */
    public Optional<User> findByUsername(String username) {
        String canonical = UserNames.canonical(username);
        if (!UserNames.couldExist(canonical)) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE canonical_username = :canonical")
                .param("canonical", canonical)
                .query((rs, row) -> canonical.equals(rs.getString("canonical_username")) ? map(rs, row) : null)
                .list().stream().filter(java.util.Objects::nonNull).findFirst();
    }

    /** The account's current rights version, or empty when it no longer exists. */
    public Optional<Long> rightsVersion(String username) {
        return findByUsername(username).map(User::rightsVersion);
    }

    public Optional<User> findById(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE id = :id")
                .param("id", id).query(UserRepository::map).optional();
    }

    public List<User> findAll() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users ORDER BY username").query(UserRepository::map).list();
    }

    /** User name to display name, for the accounts that have one. */
    Map<String, String> displayNames() {
        return Map.copyOf(jdbc.sql("SELECT username, display_name FROM users WHERE display_name IS NOT NULL")
                .query((rs, row) -> Map.entry(rs.getString("username"), rs.getString("display_name"))).list()
                .stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM users").query(Long.class).single();
    }

    public void insert(User user) {
        jdbc.sql("""
                INSERT INTO users (id, username, canonical_username, password_hash, role, enabled, must_change_password,
                    created_at, updated_at, rights_version)
                VALUES (:id, :username, :canonical, :hash, :role, :enabled, :mustChange, :created, :created, 0)
                """)
                .param("id", user.id())
                .param("username", user.username())
                .param("canonical", UserNames.canonical(user.username()))
                .param("hash", user.passwordHash())
                .param("role", user.role().name())
                .param("enabled", user.enabled())
                .param("mustChange", user.mustChangePassword())
                .param("created", user.createdAt().toEpochMilli())
                .update();
    }

    public void updatePassword(String id, String hash, boolean mustChange, Instant now) {
        jdbc.sql("UPDATE users SET password_hash = :hash, must_change_password = :mustChange, updated_at = :now, "
                + NEXT_VERSION + " WHERE id = :id")
                .param("hash", hash).param("mustChange", mustChange).param("now", now.toEpochMilli())
                .param("id", id).update();
    }

    public void updateEnabled(String id, boolean enabled, Instant now) {
        jdbc.sql("UPDATE users SET enabled = :enabled, updated_at = :now, " + NEXT_VERSION + " WHERE id = :id")
                .param("enabled", enabled).param("now", now.toEpochMilli()).param("id", id).update();
    }

    public void updateRole(String id, Role role, Instant now) {
        jdbc.sql("UPDATE users SET role = :role, updated_at = :now, " + NEXT_VERSION + " WHERE id = :id")
                .param("role", role.name()).param("now", now.toEpochMilli()).param("id", id).update();
    }

    public void updateDisplayName(String id, String displayName, Instant now) {
        // Not a change of rights: sessions stay, and pages read the name afresh.
        jdbc.sql("UPDATE users SET display_name = :name, updated_at = :now WHERE id = :id")
                .param("name", displayName).param("now", now.toEpochMilli()).param("id", id).update();
    }

    public boolean delete(String id) {
        return jdbc.sql("DELETE FROM users WHERE id = :id").param("id", id).update() == 1;
    }

    public void recordLogin(String username, Instant now) {
        jdbc.sql("UPDATE users SET last_login_at = :now WHERE canonical_username = :canonical")
                .param("now", now.toEpochMilli()).param("canonical", UserNames.canonical(username)).update();
    }

    public long countEnabledAdmins() {
        return jdbc.sql("SELECT COUNT(*) FROM users WHERE role = 'ADMIN' AND enabled = :enabled")
                .param("enabled", true).query(Long.class).single();
    }

    /** Locks the enabled administrators' rows until the transaction ends; returns how many there are. */
    public long lockEnabledAdmins() {
        return jdbc.sql("SELECT id FROM users WHERE role = 'ADMIN' AND enabled = :enabled FOR UPDATE")
                .param("enabled", true).query(String.class).list().size();
    }

    private static User map(ResultSet rs, int row) throws SQLException {
        long lastLogin = rs.getLong("last_login_at");
        Instant lastLoginAt = rs.wasNull() ? null : Instant.ofEpochMilli(lastLogin);
        return new User(rs.getString("id"), rs.getString("username"), rs.getString("password_hash"),
                Role.valueOf(rs.getString("role")), rs.getBoolean("enabled"), rs.getBoolean("must_change_password"),
                Instant.ofEpochMilli(rs.getLong("created_at")), lastLoginAt, rs.getLong("rights_version"),
                rs.getString("display_name"));
    }
}
