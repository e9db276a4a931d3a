package org.callvault.tools;

import org.callvault.library.CallHistoryRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Operator tools run from the server jar against the configured database, then exit:
 * {@code --callvault.tools.generate-calls=1000000} fills the history with synthetic calls and
 * {@code --callvault.tools.benchmark-library=true} times the history queries. See docs/BENCHMARKS.md.
 */
@Component
@Order(100)
class DataTools implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DataTools.class);

    private final JdbcTemplate jdbc;
    private final CallHistoryRepository history;
    private final ConfigurableApplicationContext context;

    DataTools(JdbcTemplate jdbc, CallHistoryRepository history, ConfigurableApplicationContext context) {
        this.jdbc = jdbc;
        this.history = history;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) {
        var env = context.getEnvironment();
        int generate = env.getProperty("callvault.tools.generate-calls", Integer.class, 0);
        boolean benchmark = env.getProperty("callvault.tools.benchmark-library", Boolean.class, false);
        if (generate > 0) {
            log.info("Generating {} calls", generate);
            CallGenerator.generate(jdbc, generate, System.currentTimeMillis(), 42);
            log.info("Done: {} calls in the table", jdbc.queryForObject("SELECT COUNT(*) FROM calls", Long.class));
        }
        if (benchmark) {
            history.find(org.callvault.library.CallFilter.ALL, null, 50); // warm up the pool
            System.out.println(LibraryBenchmark.run(history, env.getProperty("callvault.tools.iterations",
                    Integer.class, 30)));
        }
        if (generate > 0 || benchmark) {
            System.exit(org.springframework.boot.SpringApplication.exit(context, () -> 0));
        }
    }
}
