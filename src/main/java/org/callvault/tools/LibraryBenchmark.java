package org.callvault.tools;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.callvault.library.CallFilter;
import org.callvault.library.CallHistoryRepository;
import org.callvault.library.CallPage;
import org.callvault.library.Cursor;
import org.springframework.util.LinkedMultiValueMap;

/**
 * Times one page (50 rows) of the call history for each single filter, and the second page of
 * each (keyset), through the same repository the API uses. Prints median, p95 and max per case.
 */
final class LibraryBenchmark {

    private LibraryBenchmark() {
    }

    static String run(CallHistoryRepository history, int iterations) {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("no filter", "");
        cases.put("date range (one week)", "from=" + java.time.LocalDate.now().minusDays(100) + "&to="
                + java.time.LocalDate.now().minusDays(93));
        cases.put("caller (number prefix)", "caller=%2B44 20 5");
        cases.put("caller (name prefix)", "caller=Grace");
        cases.put("agent", "agent=agent7");
        cases.put("state missed", "state=missed");
        cases.put("state failed (rare)", "state=failed");
        cases.put("duration 30-60 min", "minSeconds=1800&maxSeconds=3600");
        cases.put("free text (name)", "q=novak");
        cases.put("free text (number)", "q=4242");
        cases.put("free text (3 digits)", "q=424");
        cases.put("free text (inside a name)", "q=uper");
        cases.put("free text (2 letters)", "q=ov");
        cases.put("oldest first", "sort=oldest");
        StringBuilder report = new StringBuilder(String.format("%-26s %9s %9s %9s %6s%n", "filter (page of 50)",
                "median", "p95", "max", "rows"));
        for (var entry : cases.entrySet()) {
            CallFilter filter = CallFilter.from(params(entry.getValue()), ZoneId.systemDefault());
            long[] first = new long[iterations];
            long[] second = new long[iterations];
            int rows = 0;
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                CallPage page = history.find(filter, null, 50);
                long t1 = System.nanoTime();
                if (page.next() != null) {
                    history.find(filter, Cursor.decode(page.next()), 50);
                }
                long t2 = System.nanoTime();
                first[i] = t1 - t0;
                second[i] = t2 - t1;
                rows = page.items().size();
            }
            report.append(line(entry.getKey(), first, rows));
            report.append(line("  next page", second, rows));
        }
        return report.toString();
    }

    private static String line(String name, long[] nanos, int rows) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("%-26s %7.2fms %7.2fms %7.2fms %6d%n", name, sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.95)] / 1e6, sorted[sorted.length - 1] / 1e6, rows);
    }

    private static LinkedMultiValueMap<String, String> params(String query) {
        LinkedMultiValueMap<String, String> params = new LinkedMultiValueMap<>();
        for (String pair : query.split("&")) {
            if (!pair.isEmpty()) {
                String[] kv = pair.split("=", 2);
                params.add(kv[0], java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return params;
    }
}
