package db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Views for reporting tools (issue 17, point 9): the tables keep times as epoch milliseconds
 * (V1 says why), which a spreadsheet or BI tool shows as large numbers; these views show them as
 * date-times. PostgreSQL and H2: {@code timestamp with time zone} (an instant; the tool shows it in
 * its own zone). MariaDB has no type that carries a zone: {@code DATETIME(3)} in UTC, whatever the
 * session's time zone (TIMESTAMPADD, not FROM_UNIXTIME, which would use it). A Java migration
 * because the three engines spell "milliseconds since 1970 as a date-time" three ways.
 */
public class V24__Reporting_views extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase();
        String epoch = product.contains("mariadb") || product.contains("mysql")
                ? "TIMESTAMPADD(MICROSECOND, %s * 1000, TIMESTAMP '1970-01-01 00:00:00')"
                : product.contains("postgres") ? "to_timestamp(%s / 1000.0)"
                : "DATEADD(MILLISECOND, %s, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00')";
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE VIEW report_calls AS SELECT c.id, c.source, c.state, c.caller_name, "
                    + "c.caller_number, c.agent_username, "
                    + time(epoch, "c.created_at", "started_at") + ", "
                    + time(epoch, "c.answered_at", "answered_at") + ", "
                    + time(epoch, "c.ended_at", "ended_at") + ", "
                    + "c.end_reason, c.duration_ms / 1000.0 AS talk_seconds, "
                    + "(c.answered_at - c.created_at) / 1000.0 AS wait_seconds FROM calls c");
            statement.execute("CREATE VIEW report_recordings AS SELECT r.id, r.call_id, r.status, "
                    + time(epoch, "r.created_at", "started_at") + ", "
                    + time(epoch, "r.finished_at", "finished_at") + ", "
                    + "r.duration_ms / 1000.0 AS duration_seconds, r.size_bytes, r.channels, r.sample_rate, "
                    + "r.partial, r.parts, r.lost_packets FROM recordings r");
        }
    }

    private static String time(String epoch, String column, String name) {
        return epoch.formatted(column) + " AS " + name;
    }
}
