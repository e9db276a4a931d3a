package org.callvault.loadtool;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * CallVault load tool: N concurrent browser-like calls (agent console + caller phone, two event
 * sockets and two media sockets per call) against a server on this machine; measures frame loss,
 * relay delay, its own and the server's CPU, and checks the recordings.
 */
public final class LoadTool {

    static final String VERSION = "0.1.0";
    /** How long SIPp may take to exit by itself once the run's calls have ended. */
    static final double SIPP_EXIT_WAIT_SECONDS = 10;

    private final Options o;
    /** Steady-window relay delay of the calls with no fault planned (set when the run ends). */
    private Histogram steadyDelayNoFault = Metrics.newHistogram();
    /** SIP calls: agent frame sent to its RTP packet at the phone, steady window. */
    private Histogram sipDelay = Metrics.newHistogram();
    private final PrintStream out;
    private final PrintStream err;
    private final long t0 = System.nanoTime();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private Run run;
    /** What the warm-up did, for the JSON result; null without one. */
    private Map<String, Object> warmUpOutcome;
    private long probePid;
    private long probeClockTicks = 100;
    private long lastProgressNanos;
    private long lastProgressCpu;
    /** With {@code --sipp}: SIPp, the SIP slots' caller, and what it and the recordings said. */
    private SippDriver sipp;
    private SippFigures sippFigures;

    LoadTool(Options o, PrintStream out, PrintStream err) {
        this.o = o;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        Options o;
        try {
            o = Options.parse(args, System.getenv());
        } catch (Options.UsageException e) {
            System.err.println("callvault-loadtool: " + e.getMessage());
            System.err.println(Options.usage());
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(Options.usage());
            System.exit(0);
            return;
        }
        int code;
        try {
            code = new LoadTool(o, System.out, System.err).run();
        } catch (InterruptedException e) {
            code = 3;
        }
        System.out.flush();
        System.exit(code);
    }

    /** Upper bound of the whole run; the watchdog ends the process after it. */
    double plannedSeconds() {
        double agents = o.calls / Math.max(o.ramp, 100) + 20;
        double ramp = o.calls / o.ramp + o.answerTimeoutSeconds + 10 + o.settleSeconds;
        double end = 15 + 5;
        double rec = o.recordingsDir == null ? 0 : o.recordingWaitSeconds + 5 + o.calls
                * (0.2 + RecordingChecker.oggCheckSeconds(o.settleSeconds + o.runSeconds, o.callsLastWholeRun()));
        double sippEnd = o.sippScenario == null ? 0 : SIPP_EXIT_WAIT_SECONDS + 6;
        return 15 + agents + ramp + o.runSeconds + end + rec + sippEnd + 30;
    }

    int run() throws InterruptedException {
        if (o.siprecServer != null) {
            return runSiprec();
        }
        // The warm-up's summary is dropped; only its progress lines and outcome are shown.
        LoadTool warm = o.warmUpSeconds > 0
                ? new LoadTool(o.warmUpRun(), new PrintStream(OutputStream.nullOutputStream()), err) : null;
        long watchdogSeconds = (long) (plannedSeconds() + (warm == null ? 0 : warm.plannedSeconds()));
        Thread watchdog = watchdog(watchdogSeconds);
        try {
            if (warm != null) {
                warmUp(warm);
            }
            return runBounded();
        } finally {
            watchdog.interrupt();
        }
    }

    /** Ends the process (exit 4) when the run is not over after {@code seconds}; interrupt it when it is. */
    private Thread watchdog(long seconds) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(seconds * 1000);
                err.println("callvault-loadtool: watchdog: the run exceeded " + seconds + " s, stopping");
                err.flush();
                Runtime.getRuntime().halt(4);
            } catch (InterruptedException e) {
                // run finished
            }
        }, "loadtool-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }

    /** {@code --siprec}: SIPREC recording sessions instead of calls, under the same watchdog. */
    private int runSiprec() throws InterruptedException {
        SiprecLoad siprec = new SiprecLoad(o, out, err);
        long watchdogSeconds = (long) siprec.plannedSeconds();
        Thread watchdog = watchdog(watchdogSeconds);
        try {
            return siprec.run();
        } finally {
            watchdog.interrupt();
        }
    }

    /** Runs the unmeasured warm-up (see {@link Options#warmUpRun()}) in this process, against the same server. */
    private void warmUp(LoadTool warm) throws InterruptedException {
        Options w = warm.o;
        err.printf("warm-up: %s s of %d calls of %s s with faults %s, not measured%n", Report.num(w.runSeconds), w.calls,
                Report.num(w.durationSeconds), w.faults);
        int code = warm.runBounded();
        warmUpOutcome = Report.map();
        warmUpOutcome.put("seconds", w.runSeconds);
        warmUpOutcome.put("callSeconds", w.durationSeconds);
        warmUpOutcome.put("exitCode", code);
        err.printf("warm-up done (exit code %d); the measured run starts%n", code);
    }

    private int runBounded() throws InterruptedException {
        String runId = Long.toString(System.currentTimeMillis() % 1_679_616L, 36);
        err.printf("callvault-loadtool %s: %d calls, ramp %s/s, run %s s, duration %s, faults %s, url %s, run id %s%n",
                VERSION, o.calls, Report.num(o.ramp), Report.num(o.runSeconds),
                o.callsLastWholeRun() ? "whole run" : Report.num(o.durationSeconds) + " s", o.faults, o.url, runId);

        AgentSession session;
        try {
            session = AgentSession.signIn(o.url, o.user, o.password);
        } catch (AgentSession.SignInException e) {
            err.println("callvault-loadtool: " + e.getMessage());
            return 3;
        }
        long pid = o.serverPid;
        if (pid == -1) {
            pid = ServerProbe.findListeningPid(o.port());
            if (pid < 0) {
                err.println("callvault-loadtool: --server-pid auto: no process found listening on port " + o.port());
                pid = 0;
            } else {
                err.println("callvault-loadtool: server pid " + pid);
            }
        }
        ServerProbe probe = new ServerProbe(session, pid);
        probePid = probe.pid();
        probeClockTicks = probe.clockTicks();

        try (WsClient client = new WsClient(o.threads, o.connectHost(), o.port())) {
            run = new Run(o, client, session.sessionId(), runId);
            List<CallSlot> slots = new ArrayList<>();
            for (int i = 0; i < o.calls; i++) {
                LoopState ls = run.loops.get(i % run.loops.size());
                CallSlot s = new CallSlot(run, ls, i);
                ls.slots.add(s);
                slots.add(s);
            }
            planFaults(slots);
            if (o.opus) {
                long t0 = System.nanoTime();
                for (CallSlot s : slots) {
                    if (s.opus) {
                        OpusLoop.of(Tone.callerFrequency(s.index));
                        OpusLoop.of(Tone.agentFrequency(s.index));
                    }
                }
                err.printf("opus: tones encoded in %d ms (%d packets per tone, %d bit/s), looped from now on%n",
                        (System.nanoTime() - t0) / 1_000_000, OpusLoop.FRAMES, OpusLoop.BITRATE);
            }
            WarmUp.local();
            WarmUp.remote(run, 10);
            for (LoopState ls : run.loops) {
                ls.loop.execute(ls.pacer::start);
            }
            return drive(slots, probe, client.transport);
        }
    }

    private void planFaults(List<CallSlot> slots) {
        FaultPlan plan = FaultPlan.of(slots.size(), o.faults, o.seed);
        for (CallSlot s : slots) {
            int caller = 2 * s.index;
            int agent = caller + 1;
            s.callerDrop = plan.ending(caller) == FaultPlan.Ending.DROP;
            s.agentDrop = plan.ending(agent) == FaultPlan.Ending.DROP;
            s.callerHangup = plan.ending(caller) == FaultPlan.Ending.HANGUP;
            s.agentHangup = plan.ending(agent) == FaultPlan.Ending.HANGUP;
            s.callerGarbage = plan.garbage(caller);
            s.agentGarbage = plan.garbage(agent);
        }
    }

    /**
     * Whole-run calls: fires every fault leg once per round, on its own event loop. Rounds split
     * the window; a later round hits the calls that replaced dropped ones. Spread: each leg at its
     * own moment in the first 10 to 70 % of its round (so the call it drops ends and is redialled
     * inside the round); burst: all of them at the same instant, k/(rounds+1) of the window.
     */
    private void scheduleFaults(List<CallSlot> slots) {
        Random moments = new Random(o.seed + 2);
        long window = (long) (o.runSeconds * 1e9);
        int rounds = o.faultRounds;
        for (int k = 0; k < rounds; k++) {
            int round = k + 1;
            for (CallSlot s : slots) {
                if (s.hasFaults()) {
                    double at = o.faultTiming == Options.FaultTiming.BURST
                            ? (k + 1.0) / (rounds + 1) : (k + 0.1 + 0.6 * moments.nextDouble()) / rounds;
                    s.ls.loop.schedule(() -> {
                        if (!run.ending) {
                            s.fireFaults();
                        }
                    }, (long) (window * at), TimeUnit.NANOSECONDS);
                }
            }
            if (o.faultTiming == Options.FaultTiming.BURST) {
                err.printf("faults: round %d of %d at t+%s s of the window, all fault legs at once (%s)%n", round, rounds,
                        Report.num(o.runSeconds * (k + 1.0) / (rounds + 1)), o.faults);
            } else {
                err.printf("faults: round %d of %d, each fault leg at its own moment in t+%s..%s s of the window (%s)%n",
                        round, rounds, Report.num(o.runSeconds * (k + 0.1) / rounds),
                        Report.num(o.runSeconds * (k + 0.7) / rounds), o.faults);
            }
        }
    }

    private int drive(List<CallSlot> slots, ServerProbe probe, String transport) throws InterruptedException {
        int n = slots.size();
        // 1. agent consoles
        double agentRate = Math.max(o.ramp, 100);
        for (int i = 0; i < n; i++) {
            CallSlot s = slots.get(i);
            s.ls.loop.schedule(s::openAgent, (long) (i * 1e9 / agentRate), TimeUnit.NANOSECONDS);
        }
        boolean agentsDone = waitFor(() -> run.agentsReady.get() + run.agentsFailed.get() >= n,
                n / agentRate + 20, "agents");
        if (run.agentsReady.get() == 0) {
            err.println("callvault-loadtool: no agent event socket could be opened" + (agentsDone ? "" : " (timeout)"));
            run.notes().forEach(x -> err.println("  " + x));
            return 3;
        }
        if (run.media == null) {
            err.println("callvault-loadtool: the agent welcome carried no usable media settings");
            run.notes().forEach(x -> err.println("  " + x));
            return 3;
        }
        // 2. ramp (SIPp places its calls at the SIP slots' share of the ramp's rate)
        if (o.sippScenario != null) {
            List<String> tags = slots.stream().filter(s -> s.sipp).map(s -> s.tag).toList();
            try {
                sipp = SippDriver.start(o, tags, plannedSeconds());
            } catch (IOException e) {
                err.println("callvault-loadtool: cannot start sipp: " + e.getMessage());
                return 3;
            }
            err.printf("sipp: %d calls in %s: %s%n", tags.size(), sipp.dir, String.join(" ", sipp.command));
        }
        long rampStart = System.nanoTime();
        lastProgressNanos = rampStart;
        lastProgressCpu = os.getProcessCpuTime();
        for (int i = 0; i < n; i++) {
            CallSlot s = slots.get(i);
            s.ls.loop.schedule(s::start, (long) (i * 1e9 / o.ramp), TimeUnit.NANOSECONDS);
        }
        waitFor(() -> run.slotsSettled.get() >= n, n / o.ramp + o.answerTimeoutSeconds + 10, "ramp");
        long rampMs = (System.nanoTime() - rampStart) / 1_000_000;
        if (o.settleSeconds > 0) {
            err.printf("t=%ds ramp done in %d ms: %d/%d calls up; settling for %s s%n", elapsedS(), rampMs,
                    run.callsUp.get(), n, Report.num(o.settleSeconds));
            long settleEnd = System.nanoTime() + (long) (o.settleSeconds * 1e9);
            waitFor(() -> System.nanoTime() >= settleEnd, o.settleSeconds + 1, "settle");
        }
        // 3. steady window
        long start = System.nanoTime();
        long startEpochMillis = System.currentTimeMillis();
        run.steadyEnd = start + (long) (o.runSeconds * 1e9);
        run.steadyStart = start;
        int callsAtStart = run.callsUp.get();
        ServerProbe.Sample p0 = probe.sample(run);
        long cpu0 = os.getProcessCpuTime();
        lastProgressNanos = System.nanoTime();
        lastProgressCpu = cpu0;
        long[] gc0 = toolGc();
        long[] us0 = ServerProbe.selfUserSys();
        err.printf("t=%ds steady window starts: %d/%d calls up after a %d ms ramp%n", elapsedS(), callsAtStart, n, rampMs);
        if (o.faults.any() && o.callsLastWholeRun()) {
            scheduleFaults(slots);
        }
        long progressNs = o.progressSeconds * 1_000_000_000L;
        long nextProgress = start + progressNs;
        while (true) {
            long now = System.nanoTime();
            if (now >= run.steadyEnd) {
                break;
            }
            if (now >= nextProgress) {
                progress("steady");
                nextProgress += progressNs;
            }
            long wake = Math.min(nextProgress, run.steadyEnd);
            long sleepMs = Math.max(1, Math.min(1000, (wake - System.nanoTime()) / 1_000_000));
            Thread.sleep(sleepMs);
        }
        long end = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        long[] gc1 = toolGc();
        long[] us1 = ServerProbe.selfUserSys();
        ServerProbe.Sample p1 = probe.sample(run);
        Metrics.Totals atEnd = snapshot();
        int callsAtEnd = run.callsUp.get();
        // 4. hang up everything, close the sockets
        run.ending = true;
        for (CallSlot s : slots) {
            s.ls.loop.execute(s::finish);
        }
        boolean allEnded = waitFor(() -> run.attemptsOpen.get() <= 0, 15, "ending");
        if (!allEnded) {
            run.note(run.attemptsOpen.get() + " call(s) did not end within 15 s of the end of the run");
        }
        SippDriver.Outcome sippOutcome = sipp == null ? null : sipp.finish(SIPP_EXIT_WAIT_SECONDS);
        for (CallSlot s : slots) {
            s.ls.loop.execute(s::closeSockets);
        }
        waitFor(() -> run.eventSocketsOpen.get() <= 0 && run.mediaSocketsOpen.get() <= 0, 5, "closing");
        Metrics.Totals totals = snapshot();
        List<CallRecord> records = collectRecords();
        Histogram steadyDelay = Metrics.newHistogram();
        steadyDelayNoFault = Metrics.newHistogram();
        sipDelay = Metrics.newHistogram();
        long tickLagSteady = 0;
        long sendLagSteady = 0;
        long tickLagAll = 0;
        for (LoopState ls : run.loops) {
            steadyDelay.add(ls.steadyDelayUs.getIntervalHistogram());
            steadyDelayNoFault.add(ls.steadyDelayNoFaultUs.getIntervalHistogram());
            sipDelay.add(ls.sipDelayUs.getIntervalHistogram());
            long[] lags = onLoop(ls, () -> new long[] {ls.pacer.tickLagMaxSteadyNs, sendLagMax(ls), ls.pacer.tickLagMaxNs},
                    new long[3]);
            tickLagSteady = Math.max(tickLagSteady, lags[0]);
            sendLagSteady = Math.max(sendLagSteady, lags[1]);
            tickLagAll = Math.max(tickLagAll, lags[2]);
        }
        for (LoopState ls : run.loops) {
            ls.loop.execute(ls.pacer::stop);
        }
        if (o.timelineFile != null) {
            writeTimeline(startEpochMillis);
        }
        // 5. recordings
        List<RecordingChecker.Result> recResults = null;
        if (o.recordingsDir != null) {
            err.printf("t=%ds checking recordings in %s%n", elapsedS(), o.recordingsDir);
            List<RecordingChecker.Expected> expected = new ArrayList<>();
            for (CallRecord r : records) {
                if (r.answered && r.callId != null) {
                    expected.add(new RecordingChecker.Expected(r.callId, r.durationMs, r.callerFrequency, r.agentFrequency,
                            r.sip ? r.label + " [sip]" : r.label));
                }
            }
            recResults = new RecordingChecker(o.recordingsDir, run.media.sampleRate()).check(expected, o.recordingWaitSeconds);
        }
        if (sipp != null) {
            sippFigures = SippFigures.of(sipp, sippOutcome, run, recResults);
        }
        // 6. report
        Map<String, Object> report = buildReport(transport, rampMs, start, end, callsAtStart, callsAtEnd, p0, p1,
                cpu0, cpu1, gc0, gc1, atEnd, totals, records, steadyDelay, tickLagSteady, sendLagSteady, recResults);
        @SuppressWarnings("unchecked")
        Map<String, Object> toolMap = (Map<String, Object>) report.get("tool");
        toolMap.put("tickLagMaxMsWholeRun", Report.round(tickLagAll / 1e6, 2));
        if (us0 != null && us1 != null) {
            long u = us1[0] - us0[0];
            long k = us1[1] - us0[1];
            toolMap.put("cpuUserPct", Report.round(u * 100.0 / probeClockTicks / ((end - start) / 1e9), 1));
            toolMap.put("cpuSystemPct", Report.round(k * 100.0 / probeClockTicks / ((end - start) / 1e9), 1));
        }
        out.print(Report.summary(report));
        @SuppressWarnings("unchecked")
        Map<String, Object> kv = (Map<String, Object>) report.remove("resultLine");
        String line = Report.resultLine(kv);
        report.put("resultLine", line);
        out.println(line);
        if (o.jsonFile != null) {
            try {
                Path parent = o.jsonFile.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(o.jsonFile, Report.toJson(report, true) + "\n");
            } catch (IOException e) {
                err.println("callvault-loadtool: cannot write " + o.jsonFile + ": " + e.getMessage());
            }
        }
        out.println(Report.toJson(report, false));
        out.flush();
        return Boolean.TRUE.equals(report.get("clean")) ? 0 : 1;
    }

    private static long sendLagMax(LoopState ls) {
        long m = 0;
        for (CallSlot s : ls.slots) {
            for (Attempt a : s.attempts) {
                if (a.caller != null) {
                    m = Math.max(m, a.caller.sendLagMaxSteadyNs);
                }
                if (a.agent != null) {
                    m = Math.max(m, a.agent.sendLagMaxSteadyNs);
                }
                if (a.phone != null) {
                    m = Math.max(m, a.phone.sendLagMaxSteadyNs);
                }
            }
        }
        return m;
    }

    private static long us(double ms) {
        return Math.max(1, Math.min(Metrics.MAX_US, (long) (ms * 1000)));
    }

    private long[] toolGc() {
        long count = 0;
        long ms = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            ms += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, ms};
    }

    private long elapsedS() {
        return (System.nanoTime() - t0) / 1_000_000_000L;
    }

    /** Waits (bounded) for {@code done}, printing progress lines meanwhile. */
    private boolean waitFor(BooleanSupplier done, double seconds, String phase) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long progressNs = o.progressSeconds * 1_000_000_000L;
        long next = System.nanoTime() + progressNs;
        while (!done.getAsBoolean()) {
            long now = System.nanoTime();
            if (now >= deadline) {
                return false;
            }
            if (now >= next) {
                progress(phase);
                next += progressNs;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private void progress(String phase) {
        long now = System.nanoTime();
        long cpu = os.getProcessCpuTime();
        double cpuPct = lastProgressNanos == 0 ? Double.NaN
                : (cpu - lastProgressCpu) * 100.0 / (now - lastProgressNanos);
        lastProgressNanos = now;
        lastProgressCpu = cpu;
        Metrics.Totals t = snapshot();
        Histogram h = Metrics.newHistogram();
        for (LoopState ls : run.loops) {
            h.add(ls.allDelayUs.getIntervalHistogram());
        }
        Metrics.Direction d = t.both();
        d.add(t.faultCallerToAgent);
        d.add(t.faultAgentToCaller);
        String sip = o.sipServer == null ? "" : String.format(" sip(rtp sent=%d recv=%d notPlayed=%d fills=%d)",
                t.sip.rtpSent, t.sip.rtpReceived, t.sip.holes, t.sip.fills);
        err.printf("t=%ds %s calls=%d/%d agents=%d sent=%d recv=%d lost=%d dup=%d p50=%sms p99=%sms max=%sms cpu(tool)=%s%%%s%n",
                elapsedS(), phase, t.callsUp, o.calls, run.agentsReady.get(), d.sent, d.received, d.missing, d.duplicates,
                Report.fixed(Metrics.ms(h.getValueAtPercentile(50)), 2), Report.fixed(Metrics.ms(h.getValueAtPercentile(99)), 2),
                Report.fixed(Metrics.ms(h.getMaxValue()), 1), Report.fixed(cpuPct, 1), sip);
    }

    /** Sums the loops' totals, each collected on its own loop. */
    private Metrics.Totals snapshot() {
        Metrics.Totals all = new Metrics.Totals();
        for (LoopState ls : run.loops) {
            Metrics.Totals t = onLoop(ls, () -> Metrics.Totals.collect(ls), null);
            if (t != null) {
                all.add(t);
            }
        }
        return all;
    }

    private void writeTimeline(long startEpochMillis) {
        List<Timeline> parts = new ArrayList<>();
        for (LoopState ls : run.loops) {
            parts.add(onLoop(ls, () -> ls.timeline, ls.timeline));
        }
        try {
            Timeline.merge(parts, o.runSeconds).write(o.timelineFile, startEpochMillis);
        } catch (IOException e) {
            err.println("callvault-loadtool: cannot write " + o.timelineFile + ": " + e.getMessage());
        }
    }

    static <T> T onLoop(LoopState ls, java.util.concurrent.Callable<T> task, T fallback) {
        try {
            return ls.loop.submit(task).get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            return fallback;
        }
    }

    /** Immutable copy of an attempt, taken on its loop. */
    record CallRecord(int slot, int number, String label, String callId, String state, String endReason,
                      long durationMs, boolean answered, boolean up, double setupMs, String failure,
                      boolean dropFault, boolean garbageFault, int callerFrequency, int agentFrequency,
                      int callerClose, int agentClose, double ringingMs, double answeredMs,
                      Map<String, Double> timeline, double dropToEndMs, boolean earlyHangup, boolean sip) {
    }

    private List<CallRecord> collectRecords() {
        List<CallRecord> all = new ArrayList<>();
        for (LoopState ls : run.loops) {
            List<CallRecord> part = onLoop(ls, () -> {
                List<CallRecord> l = new ArrayList<>();
                for (CallSlot s : ls.slots) {
                    for (Attempt a : s.attempts) {
                        l.add(new CallRecord(s.index, a.number, a.label(), a.callId, a.state, a.endReason, a.durationMs,
                                a.answered(), a.mediaUpNanos > 0,
                                a.mediaUpNanos > 0 ? (a.mediaUpNanos - a.dialNanos) / 1e6 : Double.NaN,
                                a.failure, a.dropFault(), (s.callerGarbage || s.agentGarbage) && a.mediaUpNanos > 0,
                                a.callerFrequency, a.agentFrequency,
                                a.caller == null ? -1 : a.caller.closed ? (a.caller.dropped ? -2 : a.caller.closeCode) : 0,
                                a.agent == null ? -1 : a.agent.closed ? (a.agent.dropped ? -2 : a.agent.closeCode) : 0,
                                a.ringingNanos > 0 ? (a.ringingNanos - a.dialNanos) / 1e6 : Double.NaN,
                                a.answeredNanos > 0 ? (a.answeredNanos - a.dialNanos) / 1e6 : Double.NaN,
                                a.timeline(),
                                a.dropNanos > 0 && a.endedNanos > a.dropNanos ? (a.endedNanos - a.dropNanos) / 1e6 : Double.NaN,
                                a.earlyHangup, a.sip()));
                    }
                }
                return l;
            }, List.of());
            all.addAll(part);
        }
        all.sort((x, y) -> x.slot != y.slot ? Integer.compare(x.slot, y.slot) : Integer.compare(x.number, y.number));
        return all;
    }

    /**
     * With {@code --sip}: the SIP calls' own figures (both directions, signalling, delay agent to
     * phone) and every call figure split by kind, SIP against browser.
     */
    private Map<String, Object> sipSection(List<CallRecord> records, List<RecordingChecker.Result> rec,
                                           Metrics.Sip sip, double steadyS) {
        Map<String, Object> m = Report.map();
        m.put("target", o.sipServer.getHostString() + ":" + o.sipServer.getPort());
        m.put("sharePct", o.sipShare);
        m.put("slots", o.sipSlots());
        m.put("phoneToAgent", sip.phoneToAgent());
        m.put("agentToPhone", sip.agentToPhone());
        long offered = sip.rtpSent + sip.agentSent;
        m.put("lost", sip.lost());
        m.put("lostPct", offered == 0 ? null : Report.round(sip.lost() * 100.0 / offered, 4));
        m.put("relayDelayMsAgentToPhone", Metrics.percentiles(sipDelay));
        m.put("retransmissions", sip.retransmissions);
        m.put("byeFromServer", sip.byeFromServer);
        Map<String, Object> kinds = Report.map();
        for (boolean isSip : new boolean[] {false, true}) {
            Map<String, Object> k = Report.map();
            Histogram setup = Metrics.newHistogram();
            int attempted = 0;
            int answered = 0;
            int connected = 0;
            int failed = 0;
            Map<String, Integer> failures = new TreeMap<>();
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (CallRecord c : records) {
                if (c.sip != isSip) {
                    continue;
                }
                attempted++;
                if (c.answered) {
                    answered++;
                }
                if (c.up) {
                    connected++;
                    setup.recordValue(us(c.setupMs));
                }
                if (c.failure != null) {
                    failed++;
                    failures.merge(c.failure.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "<id>"), 1, Integer::sum);
                }
                if (c.callId != null) {
                    ids.add(c.callId);
                }
            }
            k.put("slots", isSip ? o.sipSlots() : o.calls - o.sipSlots());
            k.put("attempted", attempted);
            k.put("answered", answered);
            k.put("connected", connected);
            k.put("failed", failed);
            k.put("failures", failures);
            k.put("setupMs", Metrics.percentiles(setup));
            k.put("setupP99Ms", Report.fixed(Metrics.ms(setup.getValueAtPercentile(99)), 1));
            if (rec != null) {
                int ok = 0;
                int bad = 0;
                int missing = 0;
                double errMax = 0;
                for (RecordingChecker.Result x : rec) {
                    if (!ids.contains(x.expected.callId())) {
                        continue;
                    }
                    switch (x.status) {
                        case "ok" -> ok++;
                        case "bad" -> bad++;
                        default -> missing++;
                    }
                    if (!Double.isNaN(x.durationErrorMs)) {
                        errMax = Math.max(errMax, Math.abs(x.durationErrorMs));
                    }
                }
                k.put("recOk", ok);
                k.put("recBad", bad);
                k.put("recMissing", missing);
                k.put("durationErrorMaxMs", Report.round(errMax, 1));
            }
            kinds.put(isSip ? "sip" : "browser", k);
        }
        m.put("byKind", kinds);
        return m;
    }

    private Map<String, Object> buildReport(String transport, long rampMs, long start, long end, int callsAtStart,
                                            int callsAtEnd, ServerProbe.Sample p0, ServerProbe.Sample p1,
                                            long cpu0, long cpu1, long[] gc0, long[] gc1,
                                            Metrics.Totals atEnd, Metrics.Totals totals, List<CallRecord> records,
                                            Histogram steadyDelay, long tickLagSteady, long sendLagSteady,
                                            List<RecordingChecker.Result> rec) {
        double steadyS = (end - start) / 1e9;
        double perCallBase = Math.max(1, callsAtStart);
        Map<String, Object> r = Report.map();
        r.put("name", "callvault-loadtool");
        r.put("version", VERSION);
        r.put("runId", run.runId);
        r.put("url", o.url.toString());
        Map<String, Object> opts = Report.map();
        opts.put("calls", o.calls);
        opts.put("ramp", o.ramp);
        opts.put("runSeconds", o.runSeconds);
        opts.put("settleSeconds", o.settleSeconds);
        opts.put("faultRounds", o.faultRounds);
        opts.put("faultTiming", o.faultTiming.name().toLowerCase(Locale.ROOT));
        opts.put("warmUpSeconds", o.warmUpSeconds);
        opts.put("durationSeconds", o.callsLastWholeRun() ? null : o.durationSeconds);
        opts.put("faults", o.faults.toString());
        opts.put("threads", o.threads);
        opts.put("tickMs", o.tickMillis);
        opts.put("seed", o.seed);
        opts.put("user", o.user);
        opts.put("codec", o.opus ? "opus" : "pcm");
        if (o.sipServer != null) {
            opts.put("sip", o.sipServer.getHostString() + ":" + o.sipServer.getPort());
            opts.put("sipShare", o.sipShare);
            opts.put("sipLocal", o.sipLocalHost);
        }
        r.put("options", opts);
        r.put("warmUp", warmUpOutcome);
        r.put("media", run.media == null ? null : Map.of("sampleRate", run.media.sampleRate(),
                "frameMillis", run.media.frameMillis(), "samplesPerFrame", run.media.samplesPerFrame()));
        r.put("rampMs", rampMs);
        r.put("steadySeconds", Report.round(steadyS, 2));

        // calls
        int attempted = records.size();
        int answered = 0;
        int up = 0;
        int ok = 0;
        int failed = 0;
        int faultCalls = 0;
        int faultOk = 0;
        int hangupCalls = 0;
        int hangupOk = 0;
        Map<String, Integer> failures = new TreeMap<>();
        Histogram setup = Metrics.newHistogram();
        Map<String, Histogram> timeline = new LinkedHashMap<>();
        List<Map<String, Object>> failedCalls = new ArrayList<>();
        for (CallRecord c : records) {
            if (c.answered) {
                answered++;
            }
            if (c.up) {
                up++;
                setup.recordValue(us(c.setupMs));
                c.timeline.forEach((k, v) -> {
                    if (!Double.isNaN(v)) {
                        timeline.computeIfAbsent(k, x -> Metrics.newHistogram()).recordValue(us(v));
                    }
                });
            }
            if (c.dropFault) {
                faultCalls++;
                if (c.failure == null) {
                    faultOk++;
                }
            } else if (c.earlyHangup) {
                hangupCalls++;
                if (c.failure == null) {
                    hangupOk++;
                }
            }
            if (c.failure == null) {
                if (!c.dropFault) {
                    ok++;
                }
            } else {
                failed++;
                failures.merge(c.failure.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "<id>"), 1, Integer::sum);
                if (failedCalls.size() < 20) {
                    Map<String, Object> f = Report.map();
                    f.put("call", c.label);
                    f.put("state", c.state);
                    f.put("endReason", c.endReason);
                    f.put("failure", c.failure);
                    failedCalls.add(f);
                }
            }
        }
        Map<String, Object> calls = Report.map();
        calls.put("concurrent", o.calls);
        calls.put("attempted", attempted);
        calls.put("answered", answered);
        calls.put("connected", up);
        calls.put("ok", ok);
        calls.put("failed", failed);
        calls.put("upAtSteadyStart", callsAtStart);
        calls.put("upAtSteadyEnd", callsAtEnd);
        calls.put("failures", failures);
        calls.put("failedCalls", failedCalls);
        r.put("calls", calls);
        r.put("setupMs", Metrics.percentiles(setup));
        Map<String, Object> phases = Report.map();
        timeline.forEach((k, h) -> phases.put(k, Metrics.percentiles(h)));
        r.put("setupTimelineMs", phases);

        // frames (the end totals: talkers stopped, relay drained)
        Map<String, Object> frames = Report.map();
        Metrics.Direction both = totals.both();
        frames.put("sent", both.sent);
        frames.put("received", both.received);
        frames.put("lost", both.lost());
        frames.put("lostAtStart", both.lostAtStart);
        frames.put("lostBeforeListenerOpen", both.lostBeforeListenerOpen());
        frames.put("gaps", both.gaps);
        frames.put("duplicates", both.duplicates);
        frames.put("corrupt", both.corrupt);
        frames.put("headerMismatch", both.headerMismatch);
        frames.put("steadySent", both.steadySent);
        frames.put("steadyReceived", both.steadyReceived);
        double expectedSteady = 2.0 * callsAtStart * steadyS * 1000.0 / run.media.frameMillis();
        frames.put("offeredPct", expectedSteady > 0 ? Report.round(both.steadySent * 100.0 / expectedSteady, 1) : null);
        frames.put("callerToAgent", totals.callerToAgent.toMap());
        frames.put("agentToCaller", totals.agentToCaller.toMap());
        r.put("frames", frames);
        // bandwidth of one browser leg while it talks: media frame bytes only
        int frameMs = run.media.frameMillis();
        Map<String, Object> wire = Report.map();
        wire.put("codec", o.opus ? "opus" : "pcm");
        wire.put("kbpsUpPerLeg", Report.round(both.kbpsUp(frameMs), 1));
        wire.put("kbpsDownPerLeg", Report.round(both.kbpsDown(frameMs), 1));
        for (String dir : new String[] {"callerToAgent", "agentToCaller"}) {
            Metrics.Direction d = dir.equals("callerToAgent") ? totals.callerToAgent : totals.agentToCaller;
            Map<String, Object> m = Report.map();
            m.put("kbpsTalker", Report.round(d.kbpsUp(frameMs), 1));
            m.put("kbpsListener", Report.round(d.kbpsDown(frameMs), 1));
            wire.put(dir, m);
        }
        wire.put("bytesSent", both.bytesSent);
        wire.put("bytesReceived", both.bytesReceived);
        wire.put("counts", "16-byte media header + payload per frame; WebSocket framing (6 bytes a frame up, 2 down at"
                + " these sizes), TCP and IP are not included");
        if (o.opus) {
            wire.put("opusBitrate", run.opusBitrate);
            wire.put("opusChecked", both.opusChecked);
            wire.put("opusNotTone", both.opusNotTone);
            wire.put("opusCheckEvery", OpusCheck.EVERY);
        }
        r.put("wire", wire);
        r.put("relayDelayMs", Metrics.percentiles(steadyDelay));

        // tool
        double toolCpu = (cpu1 - cpu0) * 100.0 / (end - start);
        Map<String, Object> tool = Report.map();
        tool.put("cpuPct", Report.round(toolCpu, 1));
        tool.put("cpuPctPerCall", Report.round(toolCpu / perCallBase, 3));
        tool.put("threads", o.threads);
        tool.put("transport", transport);
        tool.put("tickMs", o.tickMillis);
        tool.put("tickLagMaxMs", Report.round(tickLagSteady / 1e6, 2));
        tool.put("sendLagMaxMs", Report.round(sendLagSteady / 1e6, 2));
        tool.put("gcPauses", gc1[0] - gc0[0]);
        tool.put("gcPauseMs", gc1[1] - gc0[1]);
        tool.put("heapUsedMB", Report.round((Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0, 1));
        tool.put("agentMessages", totals.agentMessages);
        tool.put("agentMessagesSkipped", totals.agentMessagesSkipped);
        r.put("tool", tool);

        // server
        Map<String, Object> server = Report.map();
        double wallS = (p1.wallNanos - p0.wallNanos) / 1e9;
        double srvCpu = Double.NaN;
        String source = "none";
        if (p0.procCpuTicks >= 0 && p1.procCpuTicks >= 0) {
            srvCpu = (p1.procCpuTicks - p0.procCpuTicks) / (double) probeClockTicks / wallS * 100;
            source = "/proc";
        }
        double promCpu = (p1.processCpuNs - p0.processCpuNs) / 1e9 / wallS * 100;
        if (Double.isNaN(srvCpu) && !Double.isNaN(promCpu)) {
            srvCpu = promCpu;
            source = "process_cpu_time_ns_total";
        }
        server.put("cpuPct", Report.round(srvCpu, 1));
        server.put("cpuSource", source);
        server.put("pid", probePid > 0 ? probePid : null);
        server.put("cpuPctPerCall", Report.round(srvCpu / perCallBase, 3));
        server.put("cpuPctPrometheus", Report.round(promCpu, 1));
        server.put("processCpuUsageEnd", Report.round(p1.processCpuUsage, 3));
        server.put("heapUsedMBStart", Report.round(p0.heapUsedBytes / 1048576.0, 1));
        server.put("heapUsedMBEnd", Report.round(p1.heapUsedBytes / 1048576.0, 1));
        server.put("gcPauses", Report.round(p1.gcPauseCount - p0.gcPauseCount, 0));
        server.put("gcPauseMs", Report.round((p1.gcPauseSumSeconds - p0.gcPauseSumSeconds) * 1000, 1));
        // Micrometer's max decays over ~2 minutes: only meaningful when there was a pause in the window
        double gcMaxWindowMs = p1.gcPauseCount - p0.gcPauseCount > 0 ? p1.gcPauseMaxSeconds * 1000 : 0;
        server.put("gcPauseMaxMs", Report.round(gcMaxWindowMs, 1));
        server.put("threads", Double.isNaN(p1.liveThreads) ? (p1.procThreads >= 0 ? p1.procThreads : null) : (long) p1.liveThreads);
        server.put("rssMB", p1.procRssKb >= 0 ? Report.round(p1.procRssKb / 1024.0, 0) : null);
        Map<String, Object> cv = Report.map();
        for (Map.Entry<String, Double> e : p1.callvault.entrySet()) {
            Double before = p0.callvault.get(e.getKey());
            Map<String, Object> m = Report.map();
            m.put("end", e.getValue());
            m.put("delta", before == null ? null : e.getValue() - before);
            cv.put(e.getKey(), m);
        }
        server.put("callvaultMetrics", cv);
        r.put("server", server);
        double sysBusy = ServerProbe.machineBusyPct(p0, p1, probeClockTicks, Runtime.getRuntime().availableProcessors());
        r.put("sysBusyPct", Report.round(sysBusy, 1));

        // faults
        if (o.faults.any()) {
            Map<String, Object> f = Report.map();
            f.put("spec", o.faults.toString());
            f.put("dropCalls", faultCalls);
            f.put("dropCallsEndedAsExpected", faultOk);
            f.put("hangupCalls", hangupCalls);
            f.put("hangupCallsEndedAsExpected", hangupOk);
            Histogram dropToEnd = Metrics.newHistogram();
            for (CallRecord c : records) {
                if (!Double.isNaN(c.dropToEndMs)) {
                    dropToEnd.recordValue(us(c.dropToEndMs));
                }
            }
            Map<String, Object> dte = Report.map();
            dte.put("count", dropToEnd.getTotalCount());
            dte.put("min", dropToEnd.getTotalCount() == 0 ? null : Metrics.ms(dropToEnd.getMinValue()));
            dte.put("max", dropToEnd.getTotalCount() == 0 ? null : Metrics.ms(dropToEnd.getMaxValue()));
            f.put("dropToCallEndMs", dte);
            f.put("garbageFramesSent", totals.garbageFramesSent);
            f.put("badFrameReplies", totals.badFrameReplies);
            f.put("dropCallerToAgent", totals.faultCallerToAgent.toMap());
            f.put("dropAgentToCaller", totals.faultAgentToCaller.toMap());
            // The calls with no fault planned: what a fault must not make worse.
            f.put("relayDelayMsCallsWithoutFault", Metrics.percentiles(steadyDelayNoFault));
            r.put("faults", f);
        }

        // recordings
        int recOk = 0;
        int recBad = 0;
        int recMissing = 0;
        double errMax = Double.NaN;
        double errSum = 0;
        int errN = 0;
        int beyond = 0;
        if (rec != null) {
            List<Map<String, Object>> problems = new ArrayList<>();
            for (RecordingChecker.Result x : rec) {
                switch (x.status) {
                    case "ok" -> recOk++;
                    case "bad" -> recBad++;
                    default -> recMissing++;
                }
                if (!Double.isNaN(x.durationErrorMs)) {
                    double a = Math.abs(x.durationErrorMs);
                    errMax = Double.isNaN(errMax) ? a : Math.max(errMax, a);
                    errSum += a;
                    errN++;
                    if (a > RecordingChecker.MAX_DURATION_ERROR_MS) {
                        beyond++;
                    }
                }
                if (!"ok".equals(x.status) && problems.size() < 20) {
                    problems.add(x.toMap());
                }
            }
            Map<String, Object> rm = Report.map();
            rm.put("dir", o.recordingsDir.toString());
            rm.put("checked", rec.size());
            rm.put("ok", recOk);
            rm.put("bad", recBad);
            rm.put("missing", recMissing);
            rm.put("durationErrorMaxMs", Report.round(errMax, 1));
            rm.put("durationErrorMeanMs", errN == 0 ? null : Report.round(errSum / errN, 1));
            rm.put("beyondLimit", beyond);
            rm.put("problems", problems);
            r.put("recordings", rm);
        }
        Map<String, Object> sipSection = null;
        if (o.sipServer != null) {
            sipSection = sipSection(records, rec, totals.sip, steadyS);
            r.put("sip", sipSection);
        }
        if (sippFigures != null) {
            r.put("sipp", sippFigures.section());
        }
        r.put("events", run.counters());
        r.put("notes", run.notes());

        long closedEarly = records.stream().filter(c -> c.failure != null && c.failure.contains("during the call")).count();
        Map<String, Integer> closeCodes = new TreeMap<>();
        int badCloses = 0;
        for (CallRecord c : records) {
            for (int code : new int[] {c.callerClose, c.agentClose}) {
                if (code > 0) {
                    closeCodes.merge(String.valueOf(code), 1, Integer::sum);
                    if (code != 1000) {
                        badCloses++;
                    }
                } else if (code == -2) {
                    closeCodes.merge("dropped by the tool", 1, Integer::sum);
                }
            }
        }
        Map<String, Object> media = Report.map();
        media.put("closeCodes", closeCodes);
        media.put("closesNot1000", badCloses);
        r.put("mediaSockets", media);
        boolean clean = failed == 0 && both.lost() == 0 && both.duplicates == 0 && both.corrupt == 0 && both.opusNotTone == 0
                && both.headerMismatch == 0 && badCloses == 0
                && (rec == null || (recBad == 0 && recMissing == 0))
                && (sipSection == null || (totals.sip.lost() == 0 && totals.sip.agentFrameDuplicates == 0
                        && totals.sip.rtpDuplicates == 0 && totals.sip.rtpNotTone == 0))
                && (sippFigures == null || sippFigures.clean());
        r.put("clean", clean);

        // the one-line result, keys shared with the floor's line first
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("server", "callvault");
        kv.put("calls", o.calls);
        kv.put("active", callsAtStart);
        kv.put("failedLegs", records.stream().filter(c -> !c.up).count());
        kv.put("rampMs", rampMs);
        kv.put("steadyS", Report.fixed(steadyS, 1));
        kv.put("sent", both.sent);
        kv.put("recv", both.received);
        kv.put("lost", both.lost());
        kv.put("lostAtStart", both.lostAtStart);
        kv.put("lostEarly", both.lostBeforeListenerOpen());
        kv.put("gap", both.gaps);
        kv.put("dup", both.duplicates);
        kv.put("misrouted", both.corrupt);
        kv.put("closedEarly", closedEarly);
        kv.put("closesNot1000", badCloses);
        kv.put("steadySent", both.steadySent);
        kv.put("offeredPct", frames.get("offeredPct"));
        kv.put("steadyRecv", both.steadyReceived);
        kv.put("p50", Report.fixed(Metrics.ms(steadyDelay.getValueAtPercentile(50)), 3));
        kv.put("p99", Report.fixed(Metrics.ms(steadyDelay.getValueAtPercentile(99)), 3));
        kv.put("p999", Report.fixed(Metrics.ms(steadyDelay.getValueAtPercentile(99.9)), 3));
        kv.put("max", Report.fixed(Metrics.ms(steadyDelay.getMaxValue()), 3));
        kv.put("srvCpu", Report.fixed(srvCpu, 1));
        kv.put("genCpu", Report.fixed(toolCpu, 1));
        kv.put("sysBusy", Report.fixed(sysBusy, 1));
        kv.put("srvRssMB", p1.procRssKb >= 0 ? String.valueOf(p1.procRssKb / 1024) : "NaN");
        kv.put("srvThreads", server.get("threads"));
        kv.put("tickLagMaxMs", Report.fixed(tickLagSteady / 1e6, 2));
        kv.put("transport", transport);
        kv.put("srvGcPausesSteady", Report.fixed(p1.gcPauseCount - p0.gcPauseCount, 0));
        kv.put("srvGcMaxMsSteady", Report.fixed(gcMaxWindowMs, 1));
        kv.put("genGcPausesSteady", gc1[0] - gc0[0]);
        kv.put("attempted", attempted);
        kv.put("answered", answered);
        kv.put("failed", failed);
        kv.put("setupP99Ms", Report.fixed(Metrics.ms(setup.getValueAtPercentile(99)), 1));
        kv.put("genCpuPerCall", Report.fixed(toolCpu / perCallBase, 3));
        kv.put("srvCpuPerCall", Report.fixed(srvCpu / perCallBase, 3));
        kv.put("srvHeapMB", Report.fixed(p1.heapUsedBytes / 1048576.0, 0));
        if (o.opus) {
            // only with opus, so that the PCM line stays the floor's (the JSON has "wire" for both)
            kv.put("codec", "opus");
            kv.put("wireKbpsUp", Report.fixed(both.kbpsUp(frameMs), 1));
            kv.put("wireKbpsDown", Report.fixed(both.kbpsDown(frameMs), 1));
            kv.put("opusChecked", both.opusChecked);
            kv.put("notTone", both.opusNotTone);
        }
        if (o.faults.any()) {
            kv.put("faults", o.faults.toString());
            kv.put("dropCalls", faultCalls);
            kv.put("dropOk", faultOk);
            if (o.faults.hangupPct() > 0) {
                kv.put("hangupCalls", hangupCalls);
                kv.put("hangupOk", hangupOk);
            }
            kv.put("badFrameReplies", totals.badFrameReplies);
            kv.put("p99NoFaultCalls", Report.fixed(Metrics.ms(steadyDelayNoFault.getValueAtPercentile(99)), 3));
        }
        if (rec != null) {
            kv.put("recOk", recOk);
            kv.put("recBad", recBad);
            kv.put("recMissing", recMissing);
            kv.put("durErrMaxMs", Report.fixed(errMax, 1));
            kv.put("durErrMeanMs", Report.fixed(errN == 0 ? Double.NaN : errSum / errN, 1));
            kv.put("durErrOver20ms", beyond);
        }
        if (sipSection != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> kinds = (Map<String, Object>) sipSection.get("byKind");
            @SuppressWarnings("unchecked")
            Map<String, Object> sk = (Map<String, Object>) kinds.get("sip");
            @SuppressWarnings("unchecked")
            Map<String, Object> bk = (Map<String, Object>) kinds.get("browser");
            kv.put("sipShare", o.sipShare);
            kv.put("sipCalls", o.sipSlots());
            kv.put("sipAttempted", sk.get("attempted"));
            kv.put("sipFailed", sk.get("failed"));
            kv.put("sipSetupP99Ms", sk.get("setupP99Ms"));
            // with SIPp as the caller the tool sees neither what it sends nor what it receives: NaN
            boolean phones = sipp == null;
            kv.put("sipRtpSent", phones ? totals.sip.rtpSent : null);
            kv.put("sipRtpSentLate", phones ? totals.sip.rtpSentLate : null);
            kv.put("sipLostToAgent", totals.sip.lostToAgent());
            kv.put("sipNotPlayedSteady", totals.sip.holesSteady);
            kv.put("sipLostToPhone", phones ? totals.sip.lostToPhone() : null);
            kv.put("sipLostPct", sipSection.get("lostPct"));
            kv.put("sipGaps", totals.sip.agentFrameGaps + totals.sip.rtpGaps);
            kv.put("sipNotTone", phones ? totals.sip.rtpNotTone : null);
            kv.put("sipP99", phones ? Report.fixed(Metrics.ms(sipDelay.getValueAtPercentile(99)), 3) : null);
            kv.put("browserFailed", bk.get("failed"));
            kv.put("browserSetupP99Ms", bk.get("setupP99Ms"));
            if (rec != null) {
                kv.put("sipRecOk", sk.get("recOk"));
                kv.put("sipRecBad", sk.get("recBad"));
                kv.put("sipRecMissing", sk.get("recMissing"));
                kv.put("browserRecOk", bk.get("recOk"));
                kv.put("browserRecBad", bk.get("recBad"));
                kv.put("browserRecMissing", bk.get("recMissing"));
            }
        }
        if (sippFigures != null) {
            sippFigures.putResultKeys(kv);
        }
        kv.put("clean", clean ? "yes" : "no");
        r.put("resultLine", kv);
        return r;
    }
}
