package org.callvault.system;

import java.sql.SQLException;
import java.util.regex.Pattern;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Turns "the database is not there" into one clear message at start-up: which URL was tried (with
 * any password in it masked), as which user, and which settings to fix.
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
        return new FailureAnalysis(
                "CallVault could not use its database at " + url + " as user '" + user + "': " + cause.getMessage(),
                "Check that the database server is running and reachable, and set CALLVAULT_DB_URL, CALLVAULT_DB_USER "
                        + "and CALLVAULT_DB_PASSWORD (or spring.datasource.*) to the right values. See README, "
                        + "\"Running on MariaDB/MySQL or PostgreSQL\".",
                cause);
    }

    static String maskPassword(String url) {
        return PASSWORD_IN_URL.matcher(url).replaceAll("$1****");
    }
}
