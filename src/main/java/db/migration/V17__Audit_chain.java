package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.callvault.audit.AuditChain;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Links the audit log into a hash chain (issue 17): each entry gets its position ({@code seq}),
 * the previous entry's hash and its own. The entries written before this version are chained
 * here, oldest first (by time, then id), so the chain covers the whole log from its first entry;
 * what they said before this migration ran cannot be proven, what they say from now on can.
 * A Java migration because the hashes are computed ({@link AuditChain}) and because the three
 * engines spell "make this column NOT NULL" differently.
 */
public class V17__Audit_chain extends BaseJavaMigration {

    private record Legacy(String id, long occurredAt, String actor, String action, String target, String detail,
            String address) {
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        boolean mariadb = product.contains("mariadb") || product.contains("mysql");
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE audit_log ADD COLUMN seq BIGINT");
            statement.execute("ALTER TABLE audit_log ADD COLUMN prev_hash VARCHAR(64)");
            statement.execute("ALTER TABLE audit_log ADD COLUMN entry_hash VARCHAR(64)");
        }
        List<Legacy> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT id, occurred_at, actor, action, target, detail,"
                        + " client_address FROM audit_log ORDER BY occurred_at, id")) {
            while (rs.next()) {
                rows.add(new Legacy(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7)));
            }
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE audit_log SET seq = ?, prev_hash = ?, entry_hash = ? WHERE id = ?")) {
            String previous = AuditChain.GENESIS;
            long seq = 0;
            for (Legacy row : rows) {
                seq++;
                String hash = AuditChain.hash(seq, row.occurredAt(), row.actor(), row.action(), row.target(),
                        row.detail(), row.address(), previous);
                update.setLong(1, seq);
                update.setString(2, previous);
                update.setString(3, hash);
                update.setString(4, row.id());
                update.addBatch();
                previous = hash;
                if (seq % 500 == 0) {
                    update.executeBatch();
                }
            }
            update.executeBatch();
        }
        try (Statement statement = connection.createStatement()) {
            for (String column : List.of("seq BIGINT", "prev_hash VARCHAR(64)", "entry_hash VARCHAR(64)")) {
                String name = column.substring(0, column.indexOf(' '));
                statement.execute(mariadb ? "ALTER TABLE audit_log MODIFY " + column + " NOT NULL"
                        : "ALTER TABLE audit_log ALTER COLUMN " + name + " SET NOT NULL");
            }
            // One entry per position: two writers (two servers) can never both append entry n.
            statement.execute("CREATE UNIQUE INDEX ux_audit_log_seq ON audit_log (seq)");
            // "Who accessed this recording": entries by what they were about.
            statement.execute("CREATE INDEX ix_audit_log_target ON audit_log (target)");
        }
    }
}
