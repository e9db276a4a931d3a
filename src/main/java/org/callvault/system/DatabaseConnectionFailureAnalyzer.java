package org.callvault.system;

import java.sql.SQLException;
import java.util.regex.Pattern;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Turns "the database is not there" into one clear message at start-up: which URL was tried (with
 * any password in it masked), as which user, and which settings to fix. A damaged database file
 * (H2's "file corrupted") is told apart: no server to reach there, but a backup to restore or a
 * library to rebuild.
 */
class DatabaseConnectionFailureAnalyzer extends AbstractFailureAnalyzer<SQLException> {

    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&;]*");

    private final Environment environment;

    DatabaseConnectionFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SQLException cause) {
        String url = maskPassword(environment.getProperty("spring.datasource.url", "(not set)"));
        String user = environment.getProperty("spring.datasource.username", "(not set)");
        if (isDamagedFile(cause)) {
            return new FailureAnalysis("The database file of " + url + " is damaged: " + cause.getMessage(),
                    "Stop here: starting over it would lose the library. Restore the database file from its backup; "
                            + "or move the damaged file aside (H2's Recover tool may save part of it) and start once "
                            + "with --callvault.tools.rebuild-library=true to rebuild the library from the "
                            + "recordings' sidecar files (README, \"Operator tools\").",
                    cause);
        }
        return new FailureAnalysis(
                "CallVault could not use its database at " + url + " as user '" + user + "': " + cause.getMessage(),
                "Check that the database server is running and reachable, and set CALLVAULT_DB_URL, CALLVAULT_DB_USER "
                        + "and CALLVAULT_DB_PASSWORD (or spring.datasource.*) to the right values. See README, "
                        + "\"Running on MariaDB/MySQL or PostgreSQL\".",
                cause);
    }

    /** H2's FILE_CORRUPTED_1 (90030) and FILE_VERSION_ERROR_1 (90048), or a driver that says so. */
    static boolean isDamagedFile(SQLException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && (sql.getErrorCode() == 90030 || sql.getErrorCode() == 90048)) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().contains("File corrupted")) {
                return true;
            }
        }
        return false;
    }

    static String maskPassword(String url) {
        return PASSWORD_IN_URL.matcher(url).replaceAll("$1****");
    }
}
