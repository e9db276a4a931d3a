package org.callvault.loadtool;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Command-line options. Parsing is pure (no I/O) so it can be unit-tested. */
final class Options implements Cloneable {

    /** Thrown for a bad command line; the message is shown to the user. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /**
     * When the fault legs of one round fire: each at its own moment, as independent phones and
     * networks fail, or all in the same instant (the worst case: every affected call ends and is
     * redialled together).
     */
    enum FaultTiming {
        SPREAD, BURST;

        static FaultTiming parse(String v) throws UsageException {
            return switch (v.trim().toLowerCase(Locale.ROOT)) {
                case "spread" -> SPREAD;
                case "burst" -> BURST;
                default -> throw new UsageException("--fault-timing must be spread or burst, got '" + v + "'");
            };
        }
    }

    /**
     * Fault injection: percent of legs (0..100). {@code hangup} is not a fault but its control: the
     * same legs (same seed) end their call cleanly at the same moments instead of dropping, and the
     * slot redials as after a drop. A run with {@code hangup=P} has the same call churn as one with
     * {@code drop=P}, so the difference between the two is what the drop itself costs.
     */
    record Faults(double dropPct, double garbagePct, double hangupPct) {
        static final Faults NONE = new Faults(0, 0, 0);

        boolean any() {
            return dropPct > 0 || garbagePct > 0 || hangupPct > 0;
        }

        static Faults parse(String spec) throws UsageException {
            if (spec == null || spec.isBlank() || spec.equals("none")) {
                return NONE;
            }
            double drop = 0;
            double garbage = 0;
            double hangup = 0;
            for (String part : spec.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                if (eq < 0) {
                    throw new UsageException("--faults: expected name=percent, got '" + p + "'");
                }
                String name = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                double pct = parsePercent(p.substring(eq + 1).trim(), "--faults " + name);
                switch (name) {
                    case "drop" -> drop = pct;
                    case "garbage" -> garbage = pct;
                    case "hangup" -> hangup = pct;
                    default -> throw new UsageException("--faults: unknown fault '" + name + "' (known: drop, garbage, hangup)");
                }
            }
            if (drop + hangup > 100) {
                throw new UsageException("--faults: drop and hangup together cover more than 100 % of the legs");
            }
            return new Faults(drop, garbage, hangup);
        }

        private static double parsePercent(String v, String what) throws UsageException {
            if (v.endsWith("%")) {
                v = v.substring(0, v.length() - 1);
            }
            double d;
            try {
                d = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new UsageException(what + ": not a number: '" + v + "'");
            }
            if (!(d >= 0 && d <= 100)) {
                throw new UsageException(what + ": percent must be 0..100, got " + v);
            }
            return d;
        }

        @Override
        public String toString() {
            return "drop=" + Report.num(dropPct) + ",garbage=" + Report.num(garbagePct)
                    + (hangupPct > 0 ? ",hangup=" + Report.num(hangupPct) : "");
        }
    }

    static final int MAX_CALLS = 5000;
    static final int MAX_RUN_SECONDS = 3600;
    static final int MAX_WARM_UP_SECONDS = 600;
    /**
     * Length of a warm-up call. Short, so that the warm-up sets up and ends thousands of calls:
     * code that runs once per call set-up or end (handshakes, security, SQL, JSON) reaches the
     * optimizing compiler only after thousands of calls, and compiled during a measured window it
     * takes a core from the media path.
     */
    static final double WARM_UP_CALL_SECONDS = 2;
    static final double MIN_WARM_UP_SECONDS = 5;

    URI url = URI.create("http://127.0.0.1:8080");
    int calls = 10;
    double ramp = 50;
    /** Seconds per call; {@code <= 0} means "the whole run". */
    double durationSeconds = -1;
    double runSeconds = 30;
    String user = "admin";
    String password;
    Faults faults = Faults.NONE;
    Path jsonFile;
    /** CSV of the steady window in 20 ms slots (see Timeline); null: none. */
    Path timelineFile;
    Path recordingsDir;
    /** {@code 0}: none; {@code -1}: find the process listening on the URL's port. */
    long serverPid;
    int threads = 1;
    int tickMillis = 1;
    boolean allowRemote;
    long seed = 1;
    double answerTimeoutSeconds = 10;
    double recordingWaitSeconds = 10;
    /** Calls are up but not yet measured: lets both JVMs settle after the ramp. */
    double settleSeconds = 5;
    int progressSeconds = 5;
    /** With calls that last the whole window: how many times the fault legs fire. */
    int faultRounds = 1;
    /** When the fault legs fire within a round. */
    FaultTiming faultTiming = FaultTiming.SPREAD;
    /** Seconds of unmeasured load (same calls and faults) before the measured run; 0: none. */
    double warmUpSeconds;
    boolean help;
    /** CallVault's SIP endpoint ({@code --sip host:port}); null: browser calls only. */
    java.net.InetSocketAddress sipServer;
    /** CallVault's SIP endpoint as a SIPREC recording server ({@code --siprec host:port}); null: no SIPREC. */
    java.net.InetSocketAddress siprecServer;
    /** Concurrent SIPREC sessions ({@code --siprec-sessions}); with {@code --siprec} they replace the calls. */
    int siprecSessions = 10;
    /**
     * {@code --codec}: what the browser legs send and receive. {@code pcm} (the default): protocol
     * version 1, 44.1 kHz PCM16, as the tool always did; {@code opus}: each browser leg says
     * {@code hello} (version 2) and sends Opus packets encoded once at start-up ({@link OpusLoop}).
     * SIP slots' agents stay on PCM: their frames come from CallVault's jitter buffer, checked by phase.
     */
    boolean opus;

    /** Percent of the slots whose caller is a SIP phone (with {@code --sip}; default 100). */
    int sipShare;
    /** Address the SIP phones bind and announce in SDP and Contact. */
    String sipLocalHost = "127.0.0.1";
    /**
     * SIPp calls in instead of the tool's SIP phones ({@code --sipp}): its scenario file, or
     * {@link SippDriver#DEFAULT} for the tool's own; null: the tool's SIP phones.
     */
    String sippScenario;

    /**
     * Whether slot {@code i} calls over SIP: the SIP slots are spread evenly over the slots (with 50,
     * every second one), so they are spread over the event loops and the ramp too.
     */
    boolean isSipSlot(int i) {
        return sipServer != null && (long) (i + 1) * sipShare / 100 > (long) i * sipShare / 100;
    }

    /** How many of the {@code --calls} slots are SIP slots. */
    int sipSlots() {
        return sipServer == null ? 0 : (int) ((long) calls * sipShare / 100);
    }

    /**
     * The unmeasured run before the measured one: the same calls, ramp and faults, but short calls
     * that end and are redialled, so that both processes have run (and compiled) every path the
     * measured run takes: set-up, streaming, faults, call ends. Nothing of it is reported.
     */
    Options warmUpRun() {
        Options w;
        try {
            w = (Options) clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
        w.runSeconds = warmUpSeconds;
        w.durationSeconds = WARM_UP_CALL_SECONDS;
        w.settleSeconds = 0;
        w.warmUpSeconds = 0;
        w.jsonFile = null;
        w.timelineFile = null;
        w.recordingsDir = null;
        // SIPp places each call once; the warm-up's 2 s calls are redialled, so its SIP callers are
        // the tool's own phones: the server runs the same SIP and RTP paths
        w.sippScenario = null;
        return w;
    }

    /** True when the calls are kept up for the whole steady window. */
    boolean callsLastWholeRun() {
        return durationSeconds <= 0 || durationSeconds >= runSeconds;
    }

    static Options parse(String[] args, Map<String, String> env) throws UsageException {
        Options o = new Options();
        o.password = env.get("CALLVAULT_LOADTOOL_PASSWORD");
        int sipShare = -1;
        String sipLocal = null;
        int siprecSessions = -1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                o.help = true;
                continue;
            }
            if (!a.startsWith("--")) {
                throw new UsageException("unexpected argument '" + a + "'");
            }
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (name.equals("--allow-remote")) {
                if (value != null) {
                    throw new UsageException("--allow-remote takes no value");
                }
                o.allowRemote = true;
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--url" -> o.url = parseUrl(value);
                case "--calls" -> o.calls = intIn(name, value, 1, MAX_CALLS);
                case "--ramp" -> o.ramp = doubleIn(name, value, 0.1, 1000);
                case "--duration" -> o.durationSeconds = doubleIn(name, value, 1, MAX_RUN_SECONDS);
                case "--run" -> o.runSeconds = doubleIn(name, value, 1, MAX_RUN_SECONDS);
                case "--user" -> o.user = nonBlank(name, value);
                case "--password" -> o.password = value;
                case "--faults" -> o.faults = Faults.parse(value);
                case "--json" -> o.jsonFile = Path.of(nonBlank(name, value));
                case "--timeline" -> o.timelineFile = Path.of(nonBlank(name, value));
                case "--recordings" -> o.recordingsDir = Path.of(nonBlank(name, value));
                case "--server-pid" -> o.serverPid = value.equals("auto") ? -1 : intIn(name, value, 1, Integer.MAX_VALUE);
                case "--threads" -> o.threads = intIn(name, value, 1, 8);
                case "--tick-ms" -> o.tickMillis = tick(value);
                case "--seed" -> o.seed = longValue(name, value);
                case "--answer-timeout" -> o.answerTimeoutSeconds = doubleIn(name, value, 1, 120);
                case "--recordings-wait" -> o.recordingWaitSeconds = doubleIn(name, value, 0, 120);
                case "--settle" -> o.settleSeconds = doubleIn(name, value, 0, 300);
                case "--progress" -> o.progressSeconds = intIn(name, value, 1, 600);
                case "--fault-rounds" -> o.faultRounds = intIn(name, value, 1, 10);
                case "--fault-timing" -> o.faultTiming = FaultTiming.parse(value);
                case "--warm-up" -> o.warmUpSeconds = warmUp(value);
                case "--codec" -> o.opus = codec(value);
                case "--sip" -> o.sipServer = parseSip(value);
                case "--sip-share" -> sipShare = intIn(name, value, 0, 100);
                case "--sip-local" -> sipLocal = nonBlank(name, value);
                case "--sipp" -> o.sippScenario = nonBlank(name, value);
                case "--siprec" -> o.siprecServer = parseSip(value, "--siprec");
                case "--siprec-sessions" -> siprecSessions = intIn(name, value, 1, MAX_CALLS);
                default -> throw new UsageException("unknown option " + name + " (see --help)");
            }
        }
        if (o.help) {
            return o;
        }
        if (o.siprecServer == null && siprecSessions >= 0) {
            throw new UsageException("--siprec-sessions needs --siprec host:port");
        }
        if (o.siprecServer != null) {
            // SIPREC sessions run instead of the calls: an SBC's forks, with nothing for an agent to do.
            if (o.sipServer != null || o.faults.any() || o.warmUpSeconds > 0 || o.durationSeconds > 0) {
                throw new UsageException("--siprec runs SIPREC sessions alone: not with --sip, --faults, --warm-up or --duration");
            }
            o.siprecSessions = siprecSessions < 0 ? o.siprecSessions : siprecSessions;
            if (sipLocal != null) {
                if (!isIpLiteral(sipLocal)) {
                    throw new UsageException("--sip-local must be an IP address (it goes into SDP and Contact), got '" + sipLocal + "'");
                }
                o.sipLocalHost = sipLocal.startsWith("[") ? sipLocal.substring(1, sipLocal.length() - 1) : sipLocal;
            } else if (o.siprecServer.getHostString().contains(":")) {
                o.sipLocalHost = "::1";
            }
            if (!o.allowRemote && !isLoopback(o.siprecServer.getHostString())) {
                throw new UsageException("--siprec " + o.siprecServer.getHostString() + " is not a loopback address;"
                        + " the tool only loads servers on this machine unless --allow-remote is given");
            }
        }
        if (o.sipServer == null && (o.sippScenario != null || o.siprecServer == null && (sipShare >= 0 || sipLocal != null))) {
            throw new UsageException("--sip-share, --sip-local and --sipp need --sip host:port");
        }
        if (o.sipServer != null) {
            o.sipShare = sipShare < 0 ? 100 : sipShare;
            if (sipLocal != null) {
                if (!isIpLiteral(sipLocal)) {
                    throw new UsageException("--sip-local must be an IP address (it goes into SDP and Contact), got '" + sipLocal + "'");
                }
                o.sipLocalHost = sipLocal.startsWith("[") ? sipLocal.substring(1, sipLocal.length() - 1) : sipLocal;
            } else if (o.sipServer.getHostString().contains(":")) {
                o.sipLocalHost = "::1";
            }
            if (o.sipShare > 0 && o.faults.any()) {
                throw new UsageException("--faults are for browser calls only: not with SIP slots (--sip-share > 0)");
            }
            SippDriver.checkOptions(o);
            if (!o.allowRemote && !isLoopback(o.sipServer.getHostString())) {
                throw new UsageException("--sip " + o.sipServer.getHostString() + " is not a loopback address;"
                        + " the tool only loads servers on this machine unless --allow-remote is given");
            }
        }
        if (o.opus && o.siprecServer != null) {
            throw new UsageException("--codec opus is for browser legs: --siprec sessions have none");
        }
        if (o.password == null || o.password.isEmpty()) {
            throw new UsageException("no password: give --password or set CALLVAULT_LOADTOOL_PASSWORD");
        }
        if (!o.allowRemote && !isLoopback(o.url.getHost())) {
            throw new UsageException("--url " + o.url + " is not a loopback address (127.0.0.0/8, localhost, [::1]);"
                    + " the tool only loads servers on this machine unless --allow-remote is given");
        }
        return o;
    }

    static boolean codec(String value) throws UsageException {
        return switch (value) {
            case "opus" -> true;
            case "pcm" -> false;
            default -> throw new UsageException("--codec must be opus or pcm, got '" + value + "'");
        };
    }

    static URI parseUrl(String value) throws UsageException {
        URI u;
        try {
            u = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        } catch (URISyntaxException e) {
            throw new UsageException("--url: " + e.getMessage());
        }
        if (!"http".equals(u.getScheme())) {
            throw new UsageException("--url must be http://host:port (got '" + value + "'); https is not supported");
        }
        if (u.getHost() == null) {
            throw new UsageException("--url has no host: '" + value + "'");
        }
        if (u.getPath() != null && !u.getPath().isEmpty()) {
            throw new UsageException("--url must have no path: '" + value + "'");
        }
        if (u.getQuery() != null || u.getFragment() != null || u.getUserInfo() != null) {
            throw new UsageException("--url must be just http://host:port: '" + value + "'");
        }
        return u;
    }

    /** Literal loopback names only; nothing is resolved. */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("[::1]") || h.equals("::1")) {
            return true;
        }
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** {@code host:port} ({@code [v6]:port}), host a literal address or localhost; nothing is resolved. */
    static java.net.InetSocketAddress parseSip(String v) throws UsageException {
        return parseSip(v, "--sip");
    }

    /** {@code host:port} of a SIP endpoint given with {@code option} ({@code --sip}, {@code --siprec}). */
    static java.net.InetSocketAddress parseSip(String v, String option) throws UsageException {
        int colon = v.lastIndexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            throw new UsageException(option + " must be host:port, got '" + v + "'");
        }
        String host = v.substring(0, colon);
        int port = intIn(option + " port", v.substring(colon + 1), 1, 65535);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new UsageException(option + ": write an IPv6 address in brackets, [::1]:5060");
        }
        if (host.equalsIgnoreCase("localhost")) {
            host = "127.0.0.1";
        }
        if (!isIpLiteral(host)) {
            throw new UsageException(option + " host must be an IP address or localhost, got '" + host + "'");
        }
        return java.net.InetSocketAddress.createUnresolved(host, port);
    }

    private static boolean isIpLiteral(String h) {
        String x = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        if (x.contains(":")) {
            return x.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.') && x.length() <= 45;
        }
        String[] parts = x.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    int port() {
        return url.getPort() > 0 ? url.getPort() : 80;
    }

    /** Host as used to connect ("::1" without brackets). */
    String connectHost() {
        String h = url.getHost();
        return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }

    private static int tick(String v) throws UsageException {
        int t = intIn("--tick-ms", v, 1, 20);
        if (20 % t != 0) {
            throw new UsageException("--tick-ms must divide 20 (1, 2, 4, 5, 10, 20), got " + v);
        }
        return t;
    }

    private static double warmUp(String v) throws UsageException {
        double s = doubleIn("--warm-up", v, 0, MAX_WARM_UP_SECONDS);
        if (s > 0 && s < MIN_WARM_UP_SECONDS) {
            throw new UsageException("--warm-up must be 0 (none) or " + Report.num(MIN_WARM_UP_SECONDS) + ".."
                    + MAX_WARM_UP_SECONDS + " seconds, got " + v);
        }
        return s;
    }

    private static String nonBlank(String name, String v) throws UsageException {
        if (v.isBlank()) {
            throw new UsageException(name + " must not be empty");
        }
        return v;
    }

    private static long longValue(String name, String v) throws UsageException {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + ": not an integer: '" + v + "'");
        }
    }

    private static int intIn(String name, String v, int min, int max) throws UsageException {
        long n = longValue(name, v);
        if (n < min || n > max) {
            throw new UsageException(name + " must be " + min + ".." + max + ", got " + v);
        }
        return (int) n;
    }

    private static double doubleIn(String name, String v, double min, double max) throws UsageException {
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + ": not a number: '" + v + "'");
        }
        if (!(d >= min && d <= max)) {
            throw new UsageException(name + " must be " + Report.num(min) + ".." + Report.num(max) + ", got " + v);
        }
        return d;
    }

    static String usage() {
        return """
            usage: java -jar callvault-loadtool.jar [options]

              --url URL             server, http://host:port (default http://127.0.0.1:8080); loopback only
              --allow-remote        allow a non-loopback --url (never needed on a developer machine)
              --user NAME           agent/admin account to sign in with (default admin)
              --password PW         its password (default: env CALLVAULT_LOADTOOL_PASSWORD)
              --calls N             concurrent calls (default 10, max %d)
              --ramp R              calls started per second (default 50)
              --run SECONDS         steady (measured) window after the ramp (default 30, max %d)
              --settle SECONDS      pause between the ramp and the steady window (default 5)
              --duration SECONDS    length of one call; shorter than --run: calls are redialled
                                    until the window ends (default: the whole run)
              --faults SPEC         e.g. drop=10,garbage=1: percent of legs that drop their media
                                    socket mid-call (no close handshake), or send malformed frames;
                                    hangup=P: the control run, the same legs end their call cleanly
              --recordings DIR      the server's recordings folder: check every call's WAV file
              --recordings-wait S   how long to wait for recordings to be finalized (default 10)
              --server-pid PID|auto server process for exact CPU/RSS/threads from /proc
              --json FILE           also write the JSON result to FILE
              --timeline FILE       CSV of the steady window in 20 ms slots: late frames of the
                                    calls without a fault, dials, calls up, ends, faults, pacer lag
              --threads N           Netty event loop threads (default 1, max 8)
              --tick-ms MS          pacer tick (default 1: legs spread over 20 phases, as the floor does)
              --answer-timeout S    dial to both media sockets open (default 10)
              --progress S          progress line interval on stderr (default 5)
              --fault-rounds N      whole-run calls: the fault legs fire N times (default 1)
              --fault-timing T      spread: each fault leg fires at its own random moment of the
                                    round (default); burst: all at the same instant (worst case)
              --warm-up S           first run S seconds (5..600) of the same load and faults with
                                    2 s calls, unmeasured, so both JVMs are warm (default 0: none)
              --seed N              seed for choosing fault legs and their moments (default 1)
              --codec opus|pcm      browser legs: pcm (default, protocol version 1, 44.1 kHz PCM16) or
                                    opus (version 2 hello, Opus packets encoded once and looped;
                                    1 received frame in 50 per leg decoded and checked)
              --sip HOST:PORT       CallVault's SIP endpoint (UDP): some or all callers are SIP
                                    phones (INVITE with PCMU, RTP both ways) instead of browser phones
              --sip-share P         percent of the calls that come in over SIP (0..100, default 100
                                    with --sip); spread evenly over the calls
              --sip-local ADDR      address the SIP phones bind and put in SDP/Contact (default 127.0.0.1)
              --sipp SCENARIO       SIPp (sipp on the PATH) is the caller of the SIP calls instead of the
                                    tool's phones: 'default' (the tool's scenario) or a scenario file
              --siprec HOST:PORT    CallVault's SIP endpoint as a SIPREC recording server: instead of
                                    calls, open SIPREC sessions as an SBC forks them (two PCMU
                                    streams each, a tone per stream), held for --run seconds
              --siprec-sessions N   concurrent SIPREC sessions (default 10, max %1$d)
            """.formatted(MAX_CALLS, MAX_RUN_SECONDS);
    }
}
