package org.callvault.user;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class UserRepository {

    private static final String COLUMNS = """
            id, username, password_hash, role, enabled, must_change_password, created_at, last_login_at
            """;

    private final JdbcClient jdbc;

    public UserRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<User> findByUsername(String username) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE username = :username")
                .param("username", username).query(UserRepository::map).optional();
    }

    public Optional<User> findById(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE id = :id")
                .param("id", id).query(UserRepository::map).optional();
    }

    public List<User> findAll() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users ORDER BY username").query(UserRepository::map).list();
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM users").query(Long.class).single();
    }

    public void insert(User user) {
        jdbc.sql("""
                INSERT INTO users (id, username, password_hash, role, enabled, must_change_password, created_at, updated_at)
                VALUES (:id, :username, :hash, :role, :enabled, :mustChange, :created, :created)
                """)
                .param("id", user.id())
                .param("username", user.username())
                .param("hash", user.passwordHash())
                .param("role", user.role().name())
                .param("enabled", user.enabled())
                .param("mustChange", user.mustChangePassword())
                .param("created", user.createdAt().toEpochMilli())
                .update();
    }

    public void updatePassword(String id, String hash, boolean mustChange, Instant now) {
        jdbc.sql("""
                UPDATE users SET password_hash = :hash, must_change_password = :mustChange, updated_at = :now
                WHERE id = :id
                """)
                .param("hash", hash).param("mustChange", mustChange).param("now", now.toEpochMilli())
                .param("id", id).update();
    }

    public void updateEnabled(String id, boolean enabled, Instant now) {
        jdbc.sql("UPDATE users SET enabled = :enabled, updated_at = :now WHERE id = :id")
                .param("enabled", enabled).param("now", now.toEpochMilli()).param("id", id).update();
    }

    public void updateRole(String id, Role role, Instant now) {
        jdbc.sql("UPDATE users SET role = :role, updated_at = :now WHERE id = :id")
                .param("role", role.name()).param("now", now.toEpochMilli()).param("id", id).update();
    }

    public void recordLogin(String username, Instant now) {
        jdbc.sql("UPDATE users SET last_login_at = :now WHERE username = :username")
                .param("now", now.toEpochMilli()).param("username", username).update();
    }

    public long countEnabledAdmins() {
        return jdbc.sql("SELECT COUNT(*) FROM users WHERE role = 'ADMIN' AND enabled = :enabled")
                .param("enabled", true).query(Long.class).single();
    }

    private static User map(ResultSet rs, int row) throws SQLException {
        long lastLogin = rs.getLong("last_login_at");
        Instant lastLoginAt = rs.wasNull() ? null : Instant.ofEpochMilli(lastLogin);
        return new User(rs.getString("id"), rs.getString("username"), rs.getString("password_hash"),
                Role.valueOf(rs.getString("role")), rs.getBoolean("enabled"), rs.getBoolean("must_change_password"),
                Instant.ofEpochMilli(rs.getLong("created_at")), lastLoginAt);
    }
}
