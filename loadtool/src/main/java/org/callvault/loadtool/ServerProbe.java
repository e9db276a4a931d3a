package org.callvault.loadtool;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Samples the server: its Prometheus endpoint (with the signed-in ADMIN session) and, given its pid,
 * {@code /proc/<pid>/stat} and {@code /proc/<pid>/status}; also the machine's {@code /proc/stat}.
 */
final class ServerProbe {

    /** One Prometheus sample line. */
    record PromSample(String name, Map<String, String> labels, double value) {
    }

    /** One moment. Fields are NaN / -1 when not available. */
    static final class Sample {
        long wallNanos;
        boolean promOk;
        double processCpuNs = Double.NaN;
        double processCpuUsage = Double.NaN;
        double heapUsedBytes = Double.NaN;
        double gcPauseCount = Double.NaN;
        double gcPauseSumSeconds = Double.NaN;
        double gcPauseMaxSeconds = Double.NaN;
        double liveThreads = Double.NaN;
        Map<String, Double> callvault = new LinkedHashMap<>();
        long procCpuTicks = -1;
        long procRssKb = -1;
        long procThreads = -1;
        long sysBusyTicks = -1;
        long sysTotalTicks = -1;
    }

    private final AgentSession session;
    private final long pid;
    private final long clockTicks;
    private boolean warnedProm;

    ServerProbe(AgentSession session, long pid) {
        this.session = session;
        this.pid = pid;
        this.clockTicks = clockTicksPerSecond();
    }

    long pid() {
        return pid;
    }

    long clockTicks() {
        return clockTicks;
    }

    Sample sample(Run run) {
        Sample s = new Sample();
        s.wallNanos = System.nanoTime();
        try {
            String text = session.get("/actuator/prometheus");
            if (text != null) {
                applyPrometheus(s, parsePrometheus(text));
            } else if (!warnedProm) {
                warnedProm = true;
                run.note("/actuator/prometheus not readable with this session (needs the ADMIN role)");
            }
        } catch (IOException e) {
            run.note("/actuator/prometheus: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pid > 0) {
            readProc(s);
        }
        long[] sys = readSysStat();
        if (sys != null) {
            s.sysBusyTicks = sys[0];
            s.sysTotalTicks = sys[1];
        }
        return s;
    }

    static void applyPrometheus(Sample s, List<PromSample> samples) {
        s.promOk = true;
        s.processCpuNs = sum(samples, "process_cpu_time_ns_total", l -> true);
        s.processCpuUsage = sum(samples, "process_cpu_usage", l -> true);
        s.heapUsedBytes = sum(samples, "jvm_memory_used_bytes", l -> "heap".equals(l.get("area")));
        s.gcPauseCount = sum(samples, "jvm_gc_pause_seconds_count", l -> true);
        s.gcPauseSumSeconds = sum(samples, "jvm_gc_pause_seconds_sum", l -> true);
        s.gcPauseMaxSeconds = max(samples, "jvm_gc_pause_seconds_max");
        s.liveThreads = sum(samples, "jvm_threads_live_threads", l -> true);
        for (PromSample p : samples) {
            if (p.name.startsWith("callvault_")) {
                String key = p.name + (p.labels.isEmpty() ? "" : p.labels.toString());
                s.callvault.merge(key, p.value, Double::sum);
            }
        }
    }

    /** Sum over all series of {@code name} whose labels pass; NaN when there is none. */
    static double sum(List<PromSample> samples, String name, Predicate<Map<String, String>> labels) {
        double total = 0;
        boolean any = false;
        for (PromSample p : samples) {
            if (p.name.equals(name) && labels.test(p.labels)) {
                total += p.value;
                any = true;
            }
        }
        return any ? total : Double.NaN;
    }

    static double max(List<PromSample> samples, String name) {
        double m = Double.NaN;
        for (PromSample p : samples) {
            if (p.name.equals(name) && (Double.isNaN(m) || p.value > m)) {
                m = p.value;
            }
        }
        return m;
    }

    /** Parses the Prometheus text exposition format (comments skipped, escapes in label values kept simple). */
    static List<PromSample> parsePrometheus(String text) {
        List<PromSample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name;
            Map<String, String> labels = new LinkedHashMap<>();
            String rest;
            if (brace >= 0 && (space < 0 || brace < space)) {
                name = line.substring(0, brace);
                int end = closingBrace(line, brace);
                if (end < 0) {
                    continue;
                }
                parseLabels(line.substring(brace + 1, end), labels);
                rest = line.substring(end + 1).strip();
            } else if (space > 0) {
                name = line.substring(0, space);
                rest = line.substring(space + 1).strip();
            } else {
                continue;
            }
            String v = rest.split("\\s+")[0];
            double value;
            try {
                value = switch (v) {
                    case "+Inf" -> Double.POSITIVE_INFINITY;
                    case "-Inf" -> Double.NEGATIVE_INFINITY;
                    default -> Double.parseDouble(v);
                };
            } catch (NumberFormatException e) {
                continue;
            }
            out.add(new PromSample(name, labels, value));
        }
        return out;
    }

    private static int closingBrace(String line, int open) {
        boolean inQuote = false;
        for (int i = open + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && inQuote) {
                i++;
            } else if (c == '"') {
                inQuote = !inQuote;
            } else if (c == '}' && !inQuote) {
                return i;
            }
        }
        return -1;
    }

    private static void parseLabels(String s, Map<String, String> out) {
        int i = 0;
        while (i < s.length()) {
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                return;
            }
            String key = s.substring(i, eq).strip();
            int q = s.indexOf('"', eq);
            if (q < 0) {
                return;
            }
            StringBuilder val = new StringBuilder();
            int j = q + 1;
            for (; j < s.length(); j++) {
                char c = s.charAt(j);
                if (c == '\\' && j + 1 < s.length()) {
                    char n = s.charAt(++j);
                    val.append(n == 'n' ? '\n' : n);
                } else if (c == '"') {
                    break;
                } else {
                    val.append(c);
                }
            }
            out.put(key, val.toString());
            i = s.indexOf(',', j);
            if (i < 0) {
                return;
            }
            i++;
        }
    }

    private void readProc(Sample s) {
        try {
            long[] st = parseProcStat(Files.readString(Path.of("/proc/" + pid + "/stat")));
            s.procCpuTicks = st[0];
            s.procThreads = st[1];
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    s.procRssKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone or not readable: leave -1
        }
    }

    /** {@code [utime + stime, num_threads]} from a /proc/PID/stat line (the comm field may hold spaces). */
    static long[] parseProcStat(String stat) {
        String after = stat.substring(stat.lastIndexOf(')') + 2);
        String[] f = after.trim().split("\\s+");
        // after ')' the fields start at #3 (state): utime is #14, stime #15, num_threads #20
        long utime = Long.parseLong(f[14 - 3]);
        long stime = Long.parseLong(f[15 - 3]);
        long threads = Long.parseLong(f[20 - 3]);
        return new long[] {utime + stime, threads};
    }

    /** {@code [utime, stime]} ticks of this process, or null. */
    static long[] selfUserSys() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return new long[] {Long.parseLong(f[14 - 3]), Long.parseLong(f[15 - 3])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Percent of all cores busy between two samples, as the floor computes it: wall time minus the
     * idle and iowait ticks. The idle counters are exact on a tickless kernel; the busy counters
     * are sampled at each tick and undercount on this VM (they gave 5 % for a 25 % load).
     */
    static double machineBusyPct(Sample a, Sample b, long clockTicks, int cpus) {
        if (a.sysTotalTicks <= 0 || b.sysTotalTicks <= 0 || clockTicks <= 0 || b.wallNanos <= a.wallNanos) {
            return Double.NaN;
        }
        long idle = (b.sysTotalTicks - b.sysBusyTicks) - (a.sysTotalTicks - a.sysBusyTicks);
        double capacity = (b.wallNanos - a.wallNanos) / 1e9 * clockTicks * cpus;
        return Math.max(0, Math.min(100, 100.0 * (1 - idle / capacity)));
    }

    /** {@code [busy, total]} ticks of all CPUs from /proc/stat, or null. */
    static long[] readSysStat() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    return parseSysStat(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    static long[] parseSysStat(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        long total = 0;
        // user nice system idle iowait irq softirq steal (guest is already inside user)
        for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
        return new long[] {total - idle, total};
    }

    static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            if (p.waitFor(2, TimeUnit.SECONDS)) {
                String out = new String(p.getInputStream().readAllBytes()).trim();
                long v = Long.parseLong(out);
                if (v > 0) {
                    return v;
                }
            } else {
                p.destroyForcibly();
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }

    /**
     * Finds the process listening on TCP {@code port} via /proc/net/tcp{,6} and the fd links of
     * /proc/PID; -1 when not found (or not permitted).
     */
    static long findListeningPid(int port) {
        Set<String> inodes = new HashSet<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (int i = 1; i < lines.size(); i++) {
                    String[] f = lines.get(i).trim().split("\\s+");
                    if (f.length < 10 || !"0A".equals(f[3])) {
                        continue;
                    }
                    String local = f[1];
                    int p = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16);
                    if (p == port) {
                        inodes.add("socket:[" + f[9] + "]");
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no such table
            }
        }
        if (inodes.isEmpty()) {
            return -1;
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            int scanned = 0;
            for (Path proc : procs) {
                if (++scanned > 100_000) {
                    break;
                }
                long pid = Long.parseLong(proc.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
                                return pid;
                            }
                        } catch (IOException e) {
                            // fd closed meanwhile
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // not ours to read
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
