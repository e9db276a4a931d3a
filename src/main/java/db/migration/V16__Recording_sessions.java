package db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * What a SIPREC recording session adds to its call: the session's ids, the recording client's
 * address, the participants (JSON, who sent which stream), the pause intervals and the metadata
 * body as it came, for audit. A Java migration because the three engines name a large text column
 * three ways (H2 CLOB, MariaDB MEDIUMTEXT, PostgreSQL TEXT); the body is capped at 64 KB on input.
 */
public class V16__Recording_sessions extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase();
        String text = product.contains("mariadb") || product.contains("mysql") ? "MEDIUMTEXT"
                : product.contains("postgres") ? "TEXT" : "CLOB";
        try (Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE TABLE recording_sessions (
                        call_id          VARCHAR(36)   NOT NULL,
                        session_id       VARCHAR(255),
                        sip_call_id      VARCHAR(255)  NOT NULL,
                        src_address      VARCHAR(64)   NOT NULL,
                        participants     VARCHAR(4000) NOT NULL,
                        pauses           VARCHAR(4000),
                        metadata_parsed  BOOLEAN       NOT NULL,
                        metadata_problem VARCHAR(500),
                        metadata         %s,
                        CONSTRAINT pk_recording_sessions PRIMARY KEY (call_id),
                        CONSTRAINT fk_recording_sessions_call FOREIGN KEY (call_id) REFERENCES calls (id)
                    )""".formatted(text));
        }
    }
}
