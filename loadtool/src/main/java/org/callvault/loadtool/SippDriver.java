package org.callvault.loadtool;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * SIPp (Debian's sip-tester, 3.6 with RTPSTREAM) as the caller of the SIP slots ({@code --sipp}), so
 * that the SIP side of a run is a SIP implementation other than the tool's own. The tool writes an
 * injection file with one line per SIP slot (its tag, which CallVault shows as the caller name, and a
 * number), the PCMU tone SIPp streams, and the scenario, then runs {@code sipp} at the SIP slots'
 * share of the ramp's rate: SIPp places each line's call once, in order; the slot's agent answers the
 * call that shows its tag, and hangs up at the end of the run (CallVault sends BYE, SIPp answers). So
 * the timing (ramp, settle, window, end) stays the tool's, not a length written into the scenario.
 *
 * <p>What SIPp sends is not seen by the tool: the agent's media leg counts the caller's packets that
 * were not played (the tone's phase, as for the tool's phones), and the recording is checked for the
 * caller's tone in every 20 ms block of the steady window ({@link CallerToneBlocks}). SIPp's own
 * verdict is its exit code and the last row of its statistics file.
 */
final class SippDriver {

    /** {@code --sipp default}: the tool's own scenario (resources/sipp/callvault-caller.xml). */
    static final String DEFAULT = "default";
    static final String SCENARIO_RESOURCE = "/sipp/callvault-caller.xml";
    /** The file the scenario's {@code rtp_stream} plays (looped), in SIPp's working folder. */
    static final String TONE_FILE = "callvault-tone.ulaw";
    static final String CALLS_FILE = "calls.csv";
    static final String STATS_FILE = "stats.csv";
    static final String ERRORS_FILE = "errors.log";
    static final String OUTPUT_FILE = "sipp.log";
    /**
     * One tone for every SIPp caller: SIPp loads the {@code rtp_stream} file when it reads the scenario,
     * so a {@code [field]} of the injection file cannot choose it per call. It is a SIP caller tone of
     * the tool's ({@link Tone#sipCallerFrequency}), so the agent reads lost packets from its phase.
     */
    static final int FREQUENCY = Tone.sipCallerFrequency(0);
    /**
     * Where the search for SIPp's RTP port starts. SIPp 3.6.1 streams every call from one socket on
     * {@code -mp} (and binds {@code -mp + 2}), and gives up if that port is taken.
     */
    static final int MEDIA_PORT_SEARCH_FROM = 40000;

    /** SIPp's verdict: exit code and its cumulative counters at the end. */
    record Outcome(int exitCode, long created, long successful, long failed, Map<String, Long> failures,
                   String problem) {

        boolean clean() {
            return exitCode == 0 && failed == 0 && problem == null;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = Report.map();
            m.put("exitCode", exitCode);
            m.put("created", created);
            m.put("successful", successful);
            m.put("failed", failed);
            m.put("failures", failures);
            m.put("problem", problem);
            return m;
        }
    }

    final Path dir;
    final List<String> command;
    final int calls;
    private final Process process;

    private SippDriver(Path dir, List<String> command, int calls, Process process) {
        this.dir = dir;
        this.command = command;
        this.calls = calls;
        this.process = process;
    }

    /** What {@code --sipp} needs of the other options (called by {@link Options#parse}). */
    static void checkOptions(Options o) throws Options.UsageException {
        if (o.sippScenario == null) {
            return;
        }
        if (o.sipShare == 0) {
            throw new Options.UsageException("--sipp needs SIP slots: --sip-share must be above 0");
        }
        if (!o.callsLastWholeRun()) {
            throw new Options.UsageException("--sipp places each call once: not with a --duration shorter than --run");
        }
    }

    /**
     * Writes the injection file, the tone and (for {@code default}) the scenario into a new folder,
     * and starts {@code sipp} there; {@code tags} are the SIP slots' tags in the order of the ramp.
     */
    static SippDriver start(Options o, List<String> tags, double plannedSeconds) throws IOException {
        Path dir = Files.createTempDirectory("callvault-sipp-");
        Path scenario;
        if (DEFAULT.equals(o.sippScenario)) {
            scenario = dir.resolve("callvault-caller.xml");
            try (InputStream in = SippDriver.class.getResourceAsStream(SCENARIO_RESOURCE)) {
                if (in == null) {
                    throw new IOException("the tool's SIPp scenario is missing from its jar");
                }
                Files.copy(in, scenario);
            }
        } else {
            scenario = Path.of(o.sippScenario).toAbsolutePath();
            if (!Files.isReadable(scenario)) {
                throw new IOException("--sipp " + o.sippScenario + ": no such readable scenario file");
            }
        }
        Files.write(dir.resolve(TONE_FILE), toneFile());
        Files.writeString(dir.resolve(CALLS_FILE), injectionFile(tags), StandardCharsets.US_ASCII);
        double rate = o.ramp * tags.size() / o.calls;
        InetAddress local = InetAddress.getByName(o.sipLocalHost);
        List<String> command = command(o, scenario, tags.size(), rate,
                new int[] {freeUdpPort(local), freeMediaPort(local), freeUdpPort(local)}, plannedSeconds);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(OUTPUT_FILE).toFile()).start();
        return new SippDriver(dir, command, tags.size(), p);
    }

    /**
     * The injection file: SEQUENTIAL, one line per call, {@code tag;number} ({@code [field0]},
     * {@code [field1]} in the scenario).
     */
    static String injectionFile(List<String> tags) {
        StringBuilder b = new StringBuilder("SEQUENTIAL\n");
        for (String tag : tags) {
            int index = Integer.parseInt(tag.substring(tag.lastIndexOf('-') + 1));
            b.append(tag).append(';').append("+1555").append(String.format(Locale.ROOT, "%07d", index)).append('\n');
        }
        return b.toString();
    }

    /**
     * 0.5 s of the caller tone in PCMU at 8 kHz: 4,000 samples, a whole number of the tone's periods
     * and of 20 ms packets, so SIPp's loop plays it on without a break in the tone's phase.
     */
    static byte[] toneFile() {
        int samples = Tone.periodSamples(FREQUENCY, 8000);
        byte[] ulaw = new byte[samples];
        for (int i = 0; i < samples; i++) {
            ulaw[i] = Ulaw.encode(Tone.sample(FREQUENCY, 8000, i));
        }
        return ulaw;
    }

    /**
     * The command line: every call of the file once ({@code -m}, {@code -l}), at {@code rate} calls a
     * second, over UDP from {@code sipLocalHost}, on {@code ports}: SIP, RTP, and the control port
     * (SIPp's default, 8888 on every address, would clash with a second SIPp); statistics every
     * second (the last row is the verdict); a global timeout so that SIPp never outlives the tool,
     * even a halted one.
     */
    static List<String> command(Options o, Path scenario, int calls, double rate, int[] ports, double plannedSeconds) {
        String host = o.sipServer.getHostString();
        String target = (host.contains(":") ? "[" + host + "]" : host) + ":" + o.sipServer.getPort();
        return List.of("sipp", target, "-sf", scenario.toString(), "-inf", CALLS_FILE,
                "-m", String.valueOf(calls), "-l", String.valueOf(calls),
                "-r", Report.num(Math.max(0.001, Math.round(rate * 1000) / 1000.0)),
                "-t", "u1", "-i", o.sipLocalHost, "-p", String.valueOf(ports[0]),
                "-mi", o.sipLocalHost, "-mp", String.valueOf(ports[1]), "-ci", o.sipLocalHost, "-cp", String.valueOf(ports[2]),
                "-nostdin", "-timeout", Math.round(plannedSeconds) + "s",
                "-trace_err", "-error_file", ERRORS_FILE, "-trace_stat", "-stf", STATS_FILE, "-fd", "1");
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * After the run's calls have ended: SIPp exits by itself once its last call is over; if it does
     * not within {@code waitSeconds} (calls it never placed, or stuck), it is stopped. Then its
     * exit code and the last row of its statistics.
     */
    Outcome finish(double waitSeconds) throws InterruptedException {
        String problem = null;
        if (!process.waitFor((long) (waitSeconds * 1000), TimeUnit.MILLISECONDS)) {
            problem = "sipp still running " + Report.num(waitSeconds) + " s after the run's calls ended: stopped";
            process.destroy();
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(3, TimeUnit.SECONDS);
            }
        }
        int exit = process.isAlive() ? -1 : process.exitValue();
        List<String> rows;
        try {
            rows = Files.readAllLines(dir.resolve(STATS_FILE), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            rows = List.of();
        }
        Outcome o = parseStats(rows, exit);
        if (problem != null || o.problem() != null) {
            return new Outcome(o.exitCode(), o.created(), o.successful(), o.failed(), o.failures(),
                    problem != null ? problem : o.problem() + " (see " + dir.resolve(OUTPUT_FILE) + ")");
        }
        return o;
    }

    /** The verdict from SIPp's statistics file (a header row, then rows of counters, ';'-separated). */
    static Outcome parseStats(List<String> rows, int exitCode) {
        List<String> lines = rows.stream().filter(l -> !l.isBlank()).toList();
        if (lines.size() < 2) {
            return new Outcome(exitCode, 0, 0, 0, Map.of(), "no statistics from sipp");
        }
        String[] names = lines.get(0).split(";", -1);
        String[] values = lines.get(lines.size() - 1).split(";", -1);
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < names.length && i < values.length; i++) {
            row.put(names[i].trim(), values[i].trim());
        }
        Map<String, Long> failures = new LinkedHashMap<>();
        row.forEach((name, value) -> {
            if (name.startsWith("Failed") && name.endsWith("(C)") && !name.equals("FailedCall(C)")) {
                long n = number(value);
                if (n > 0) {
                    failures.put(name.substring(0, name.length() - 3), n);
                }
            }
        });
        return new Outcome(exitCode, number(row.get("TotalCallCreated")), number(row.get("SuccessfulCall(C)")),
                number(row.get("FailedCall(C)")), failures, exitCode == 0 ? null : "sipp exit code " + exitCode);
    }

    private static long number(String v) {
        try {
            return v == null ? 0 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A UDP port free now on {@code host} (SIPp's default SIP port, 5060, may be CallVault's). */
    private static int freeUdpPort(InetAddress host) throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, host)) {
            return s.getLocalPort();
        }
    }

    /** An even port {@code p} with {@code p} and {@code p + 2} free now on {@code host}. */
    private static int freeMediaPort(InetAddress host) throws IOException {
        for (int p = MEDIA_PORT_SEARCH_FROM; p < 65000; p += 4) {
            try (DatagramSocket rtp = new DatagramSocket(p, host); DatagramSocket next = new DatagramSocket(p + 2, host)) {
                return p;
            } catch (java.net.BindException e) {
                // taken: the next pair
            }
        }
        throw new IOException("no free UDP port pair for SIPp's RTP from " + MEDIA_PORT_SEARCH_FROM);
    }

    /** Stops SIPp if it still runs (the tool is ending early). */
    void kill() {
        process.destroyForcibly();
    }
}
