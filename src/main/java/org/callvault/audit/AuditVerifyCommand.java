package org.callvault.audit;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Verifies the audit chain from the command line, without starting the server (no ports, no
 * start-up jobs against a live database):
 *
 * <pre>
 * java -cp callvault.jar -Dloader.main=org.callvault.audit.AuditVerifyCommand \
 *      org.springframework.boot.loader.launch.PropertiesLauncher [--url=jdbc:...] [--user=...] [--password=...]
 * </pre>
 *
 * The connection defaults to the server's own settings ({@code CALLVAULT_DB_URL}, {@code _USER},
 * {@code _PASSWORD}). Exit code 0: intact; 1: broken (the first broken entry is named); 2: could
 * not check.
 */
public final class AuditVerifyCommand {

    private AuditVerifyCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (!arg.startsWith("--") || equals < 0) {
                err.println("Unknown argument " + arg + " (expected --url=, --user=, --password=)");
                return 2;
            }
            options.put(arg.substring(2, equals), arg.substring(equals + 1));
        }
        String url = options.getOrDefault("url", env.getOrDefault("CALLVAULT_DB_URL", "jdbc:h2:file:./data/callvault"));
        String user = options.getOrDefault("user", env.getOrDefault("CALLVAULT_DB_USER", "sa"));
        String password = options.getOrDefault("password", env.getOrDefault("CALLVAULT_DB_PASSWORD", ""));
        if (url.startsWith("jdbc:h2:file:") && !url.toUpperCase(java.util.Locale.ROOT).contains("IFEXISTS")) {
            url += ";IFEXISTS=TRUE"; // a mistyped path must not create an empty database that "verifies"
        }
        AuditVerifier.Result result;
        try {
            result = new AuditVerifier(JdbcClient.create(new DriverManagerDataSource(url, user, password))).verify();
        }
        catch (RuntimeException e) {
            err.println("Could not read the audit log at " + url + ": " + e.getMessage());
            return 2;
        }
        if (result.intact()) {
            out.println("Audit chain intact: " + result.entries() + " entries; last entry " + result.headSeq()
                    + ", hash " + result.headHash());
            return 0;
        }
        out.println("Audit chain BROKEN after " + result.entries() + " good entries: " + result.problem() + " (entry id "
                + result.brokenId() + ")");
        return 1;
    }
}
