package org.callvault.recording;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Whether the server has call tags: a {@code call_tags} table with {@code call_id} and {@code tag}
 * columns (made by the notes-and-tags feature, not by retention). Retention rules with a tag use
 * it when it is there and match nothing when it is not, so retention does not depend on that
 * feature's schema. Looked up once: tables only appear through migrations, before the server runs.
 */
@Component
class CallTagsTable {

    private static final Logger log = LoggerFactory.getLogger(CallTagsTable.class);

    private final DataSource dataSource;
    private volatile Boolean available;

    CallTagsTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    boolean available() {
        Boolean known = available;
        if (known == null) {
            known = lookUp();
            available = known;
        }
        return known;
    }

    private boolean lookUp() {
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            return hasColumn(meta, connection, "call_id") && hasColumn(meta, connection, "tag");
        }
        catch (SQLException e) {
            log.warn("Could not look for the call_tags table; retention rules with a tag match nothing", e);
            return false;
        }
    }

    private static boolean hasColumn(DatabaseMetaData meta, Connection connection, String column) throws SQLException {
        // H2 stores names upper-case, PostgreSQL lower-case, MariaDB as written: ask for both.
        for (String table : new String[] { "call_tags", "CALL_TAGS" }) {
            for (String name : new String[] { column, column.toUpperCase(Locale.ROOT) }) {
                try (ResultSet rs = meta.getColumns(connection.getCatalog(), null, table, name)) {
                    if (rs.next()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
