package org.callvault.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import org.callvault.call.CallSearchIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Fills the calls table with realistic synthetic history for benchmarks: a spread over a year,
 * a mix of states, a few dozen agents, durations from seconds to an hour, names and numbers.
 * Rows only (no recordings): what the history queries read.
 */
final class CallGenerator {

    private static final Logger log = LoggerFactory.getLogger(CallGenerator.class);
    private static final String[] FIRST = { "Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan",
            "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Zoe" };
    private static final String[] LAST = { "Smith", "Jones", "Garcia", "Martin", "Dubois", "Rossi", "Novak", "Kim",
            "Silva", "Müller", "Nowak", "Haddad", "Okafor", "Tanaka", "Larsen", "Costa" };
    private static final int BATCH = 2_000;

    private CallGenerator() {
    }

    static void generate(JdbcTemplate jdbc, int count, long endMillis, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long span = 365L * 24 * 3600 * 1000;
        List<Object[]> batch = new ArrayList<>(BATCH);
        List<Object[]> terms = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long created = endMillis - random.nextLong(span);
            int roll = random.nextInt(100);
            String state = roll < 70 ? "ENDED" : roll < 82 ? "MISSED" : roll < 90 ? "CANCELLED" : roll < 97 ? "REJECTED"
                    : "FAILED";
            boolean answered = state.equals("ENDED");
            String agent = answered || state.equals("REJECTED") ? "agent" + random.nextInt(40) : null;
            Long duration = answered ? 5_000L + (long) (Math.pow(random.nextDouble(), 3) * 3_600_000) : null;
            Long answeredAt = answered ? created + 2_000 + random.nextInt(20_000) : null;
            Long endedAt = answered ? answeredAt + duration : created + 30_000;
            String id = UUID.randomUUID().toString();
            String name = FIRST[random.nextInt(FIRST.length)] + " " + LAST[random.nextInt(LAST.length)];
            String number = "+44 20 " + (1000 + random.nextInt(9000)) + " " + (1000 + random.nextInt(9000));
            batch.add(new Object[] { id, state, name, number,
                    "10.0." + random.nextInt(256) + "." + random.nextInt(256), agent, created, answeredAt, endedAt,
                    answered ? "CALLER_HANGUP" : "RING_TIMEOUT", duration });
            CallSearchIndex.addRows(terms, id, name, number);
            if (batch.size() == BATCH || i == count - 1) {
                jdbc.batchUpdate("""
                        INSERT INTO calls (id, state, caller_name, caller_number, caller_address, agent_username,
                                           created_at, answered_at, ended_at, end_reason, duration_ms)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, batch);
                CallSearchIndex.insert(jdbc, terms);
                batch.clear();
                terms.clear();
                if ((i + 1) % 100_000 == 0) {
                    log.info("{} calls generated ({} s)", i + 1, (System.nanoTime() - started) / 1_000_000_000);
                }
            }
        }
    }
}
