package db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * ShedLock's lock table (docs/ARCHITECTURE.md, "Several nodes"): one row per scheduled job, held by
 * the node running it until {@code lock_until}, so a job runs on one node at a time. A Java
 * migration because MariaDB's TIMESTAMP ends in 2038 (DATETIME there, TIMESTAMP on H2 and
 * PostgreSQL); ShedLock compares these columns with the database's own clock, never a node's.
 */
public class V25__Scheduled_job_locks extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase();
        String time = product.contains("mariadb") || product.contains("mysql") ? "DATETIME(3)" : "TIMESTAMP(3)";
        try (Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE TABLE shedlock (
                        name       VARCHAR(64)  NOT NULL,
                        lock_until %1$s NOT NULL,
                        locked_at  %1$s NOT NULL,
                        locked_by  VARCHAR(255) NOT NULL,
                        CONSTRAINT pk_shedlock PRIMARY KEY (name)
                    )""".formatted(time));
        }
    }
}
