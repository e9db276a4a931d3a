package db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.callvault.user.UserNames;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Adds {@code users.canonical_username} (the one form of a name that identifies an account, see
 * {@link UserNames}) with a unique index, and {@code users.rights_version} (moved on by every
 * change that must end the account's sessions). A Java migration because the canonical form is
 * computed by the same code as at sign-in, and because MariaDB needs a binary collation on the
 * column: its default {@code utf8mb4_general_ci} treats {@code ádmin} and {@code admin} as equal.
 * <p>
 * Names that collide in canonical form ({@code Bob} and {@code bob}, possible before on H2 and
 * PostgreSQL): the oldest account keeps the name; the others are disabled and left without a
 * canonical name, so they cannot sign in until an administrator renames them in the database.
 */
public class V7__Canonical_user_names_and_rights_versions extends BaseJavaMigration {

    private static final Logger log = LoggerFactory.getLogger(V7__Canonical_user_names_and_rights_versions.class);

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        boolean mysqlFamily = product.contains("mariadb") || product.contains("mysql");
        JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(connection, true));

        jdbc.execute("ALTER TABLE users ADD COLUMN canonical_username VARCHAR(64)"
                + (mysqlFamily ? " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" : ""));
        jdbc.execute("ALTER TABLE users ADD COLUMN rights_version BIGINT DEFAULT 0 NOT NULL");

        List<String[]> rows = jdbc.query("SELECT id, username FROM users ORDER BY created_at, id",
                (rs, row) -> new String[] { rs.getString(1), rs.getString(2) });
        Set<String> taken = new HashSet<>();
        for (String[] row : rows) {
            String canonical = UserNames.canonical(row[1]);
            if (taken.add(canonical)) {
                jdbc.update("UPDATE users SET canonical_username = ? WHERE id = ?", canonical, row[0]);
            }
            else {
                jdbc.update("UPDATE users SET enabled = ? WHERE id = ?", false, row[0]);
                log.warn("User '{}' has the same canonical name as an older account ('{}'): disabled, and it "
                        + "cannot sign in until renamed", row[1], canonical);
            }
        }
        jdbc.execute("CREATE UNIQUE INDEX uq_users_canonical_username ON users (canonical_username)");
    }
}
