package db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * A caller name holds up to 100 characters as a person counts them (code points, docs/protocol.md).
 * H2 measures VARCHAR in UTF-16 units, where an emoji takes two, so the column must hold 200; on
 * MariaDB and PostgreSQL (code points) the wider column costs nothing. A Java migration because the
 * three engines spell "change a column's type" three ways.
 */
public class V13__Caller_name_in_characters extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase();
        String sql = product.contains("mariadb") || product.contains("mysql")
                ? "ALTER TABLE calls MODIFY caller_name VARCHAR(200)"
                : product.contains("postgres") ? "ALTER TABLE calls ALTER COLUMN caller_name TYPE VARCHAR(200)"
                : "ALTER TABLE calls ALTER COLUMN caller_name SET DATA TYPE VARCHAR(200)";
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
