package db.migration;

import java.util.ArrayList;
import java.util.List;

import org.callvault.call.CallSearchIndex;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Fills {@code call_search_terms} (V3) for the calls that existed before it. A Java migration
 * because the terms are cut by the same code that indexes new calls. Reads the calls in pages by
 * id, so a large history never sits in memory at once.
 */
public class V4__Backfill_call_search_terms extends BaseJavaMigration {

    private static final int PAGE = 2_000;

    @Override
    public void migrate(Context context) {
        JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(context.getConnection(), true));
        String after = "";
        while (true) {
            List<Object[]> rows = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            jdbc.query("SELECT id, caller_name, caller_number FROM calls WHERE id > ? ORDER BY id LIMIT " + PAGE,
                    rs -> {
                        ids.add(rs.getString(1));
                        CallSearchIndex.addRows(rows, rs.getString(1), rs.getString(2), rs.getString(3));
                    }, after);
            CallSearchIndex.insert(jdbc, rows);
            if (ids.size() < PAGE) {
                return;
            }
            after = ids.get(ids.size() - 1);
        }
    }
}
