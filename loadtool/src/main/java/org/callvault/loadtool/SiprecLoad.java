package org.callvault.loadtool;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import tools.jackson.databind.JsonNode;

/**
 * {@code --siprec}: N concurrent SIPREC recording sessions (RFC 7866) against CallVault, as a
 * session border controller forks the calls it carries: every session from one signalling socket
 * (an SBC sends all its forks from one address), a {@code multipart/mixed} INVITE with an SDP offer
 * of two {@code sendonly} PCMU streams (labels 1 and 2) and RFC 7865 metadata naming two
 * participants, one sending each stream; then 20 ms RTP packets of a tone per stream (left and
 * right), held for {@code --run} seconds, and BYE. No SIP library: {@link SipMessage} parses the
 * responses, the requests are written here. Afterwards, with {@code --recordings}, each session's
 * call is looked up in the library API (by its participant's name) and its file checked by the
 * same {@link RecordingChecker} as calls: length within 20 ms of the session's, the first tone on
 * the left channel and the second on the right.
 */
final class SiprecLoad {

    private static final int SAMPLES = 160;
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long TIMER_T1_MS = 500;
    private static final long TRANSACTION_TIMEOUT_MS = 32_000;

    private final Options o;
    private final PrintStream out;
    private final PrintStream err;
    private final String runId;
    private final Random random;
    private final Map<String, Session> byCallId = new ConcurrentHashMap<>();
    private final List<Session> sessions = new ArrayList<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "siprec-timers");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong packetsSent = new AtomicLong();
    private final AtomicLong packetsLate = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private final Histogram setupMs = Metrics.newHistogram();
    private final AtomicLong serverLostPackets = new AtomicLong();
    /** Server and tool CPU over the hold (ticks of /proc/PID/stat, nanoseconds of this JVM), and its length. */
    private long serverCpuTicks = -1;
    private long toolCpuNanos;
    private double holdSeconds;
    private DatagramChannel sip;
    private InetSocketAddress server;
    private volatile boolean running = true;

    SiprecLoad(Options o, PrintStream out, PrintStream err) {
        this.o = o;
        this.out = out;
        this.err = err;
        this.random = new Random(o.seed);
        this.runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    }

    /** Upper bound of the whole run; the tool's watchdog ends the process after it. */
    double plannedSeconds() {
        double rec = o.recordingsDir == null ? 0 : o.recordingWaitSeconds + 5
                + o.siprecSessions * (0.2 + RecordingChecker.oggCheckSeconds(o.runSeconds, true));
        return 15 + o.siprecSessions / o.ramp + TRANSACTION_TIMEOUT_MS / 1000.0 + o.runSeconds
                + TRANSACTION_TIMEOUT_MS / 1000.0 + rec + 30;
    }

    /** Tone of session {@code i}'s first stream (left), 400–1350 Hz, and its second (right), 2000–2490 Hz. */
    static int leftHz(int i) {
        return 400 + (i % 20) * 50;
    }

    static int rightHz(int i) {
        return 2000 + (i % 50) * 10;
    }

    int run() throws InterruptedException {
        try {
            server = new InetSocketAddress(o.siprecServer.getHostString(), o.siprecServer.getPort());
            boolean v6 = o.sipLocalHost.contains(":");
            sip = DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)
                    .bind(new InetSocketAddress(o.sipLocalHost, 0));
            for (int i = 0; i < o.siprecSessions; i++) {
                sessions.add(new Session(i, v6));
            }
        } catch (IOException e) {
            err.println("callvault-loadtool: cannot open the SIPREC sockets: " + e);
            return 3;
        }
        Thread receiver = new Thread(this::receive, "siprec-sip");
        receiver.setDaemon(true);
        receiver.start();
        Thread pacer = new Thread(this::pace, "siprec-pacer");
        pacer.setDaemon(true);
        pacer.start();
        long t0 = System.nanoTime();
        try {
            for (Session s : sessions) {
                long at = t0 + (long) (s.index / o.ramp * 1e9);
                LockSupport.parkNanos(at - System.nanoTime());
                s.invite();
            }
            awaitAll(s -> s.state != State.INVITING, TRANSACTION_TIMEOUT_MS + 1000);
            long up = sessions.stream().filter(s -> s.state == State.UP).count();
            err.printf("siprec: %d of %d sessions up after %.1f s; holding %.0f s%n", up, sessions.size(),
                    (System.nanoTime() - t0) / 1e9, o.runSeconds);
            long serverPid = serverPid();
            long holdStart = System.nanoTime();
            long serverTicksAtStart = processTicks(serverPid);
            long toolNanosAtStart = toolCpuNanos();
            long holdEnd = holdStart + (long) (o.runSeconds * 1e9);
            while (System.nanoTime() < holdEnd) {
                LockSupport.parkNanos(Math.min(holdEnd - System.nanoTime(), TimeUnit.SECONDS.toNanos(o.progressSeconds)));
                err.printf("siprec: t=%.0fs up=%d packets=%d late=%d%n", (System.nanoTime() - t0) / 1e9,
                        sessions.stream().filter(s -> s.state == State.UP).count(), packetsSent.get(), packetsLate.get());
            }
            holdSeconds = (System.nanoTime() - holdStart) / 1e9;
            long serverTicksAtEnd = processTicks(serverPid);
            serverCpuTicks = serverTicksAtStart < 0 || serverTicksAtEnd < 0 ? -1 : serverTicksAtEnd - serverTicksAtStart;
            toolCpuNanos = toolCpuNanos() - toolNanosAtStart;
            for (Session s : sessions) {
                s.hangUp();
            }
            awaitAll(s -> s.state != State.ENDING, TRANSACTION_TIMEOUT_MS + 1000);
        } finally {
            running = false;
            timers.shutdownNow();
        }
        List<RecordingChecker.Result> recordings = o.recordingsDir == null ? List.of() : checkRecordings();
        return report(recordings);
    }

    /** {@code --server-pid}: the number, or the process listening on the URL's port ({@code auto}); 0: none. */
    private long serverPid() {
        if (o.serverPid != -1) {
            return o.serverPid;
        }
        long pid = ServerProbe.findListeningPid(o.port());
        err.println(pid > 0 ? "siprec: server pid " + pid : "siprec: --server-pid auto: no process listening on " + o.port());
        return Math.max(0, pid);
    }

    private static long processTicks(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            return ServerProbe.parseProcStat(Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat")))[0];
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long toolCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private void awaitAll(java.util.function.Predicate<Session> done, long maxMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        while (System.nanoTime() < deadline && !sessions.stream().allMatch(done)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    // ------------------------------------------------------------------ signalling

    private void receive() {
        ByteBuffer buffer = ByteBuffer.allocate(SipMessage.MAX_BYTES);
        while (running) {
            try {
                buffer.clear();
                InetSocketAddress from = (InetSocketAddress) sip.receive(buffer);
                SipMessage m = SipMessage.parse(buffer.array(), 0, buffer.position());
                if (m == null) {
                    continue;
                }
                if (!m.response) {
                    // CallVault's BYE (a media timeout) or an OPTIONS: answered, and a BYE ends the session.
                    send(SipMessage.response(m, 200, "OK"), from);
                    Session s = byCallId.get(m.callId());
                    if (s != null && "BYE".equals(m.method)) {
                        s.fail("BYE from the server while up");
                    }
                    continue;
                }
                Session s = byCallId.get(m.callId());
                if (s != null) {
                    s.response(m);
                }
            } catch (IOException | RuntimeException e) {
                if (running) {
                    err.println("siprec: receive: " + e);
                }
            }
        }
    }

    private void send(String message, InetSocketAddress to) {
        try {
            sip.send(ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)), to);
        } catch (IOException e) {
            sendErrors.incrementAndGet();
        }
    }

    enum State { INVITING, UP, ENDING, ENDED, FAILED }

    /** One recording session: its two RTP sockets, its dialog and its streams' clocks. */
    final class Session {

        final int index;
        final String callId;
        final String fromTag;
        final String tag;
        final DatagramChannel[] rtp = new DatagramChannel[2];
        final int[] serverPorts = new int[2];
        final byte[][] tones;
        final int[] ssrc = new int[2];
        final int[] sequence = new int[2];
        final long[] timestamp = new long[2];
        volatile State state = State.INVITING;
        volatile String failure;
        String inviteBranch;
        String toTag;
        String remoteTarget;
        InetSocketAddress media;
        long inviteNanos;
        long upNanos;
        long endNanos;
        volatile long streamStartNanos = -1;
        long framesSent;
        int cseq = 1;
        java.util.concurrent.ScheduledFuture<?> retransmit;

        Session(int index, boolean v6) throws IOException {
            this.index = index;
            this.callId = SipMessage.token(random) + "@loadtool.siprec";
            this.fromTag = SipMessage.token(random);
            this.tag = "lt-" + runId + "-" + index;
            for (int s = 0; s < 2; s++) {
                rtp[s] = DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)
                        .bind(new InetSocketAddress(o.sipLocalHost, 0));
                rtp[s].configureBlocking(false);
                ssrc[s] = random.nextInt();
                sequence[s] = random.nextInt(1 << 16);
                timestamp[s] = random.nextInt() & 0xffffffffL;
            }
            this.tones = new byte[][] { ulawTone(leftHz(index)), ulawTone(rightHz(index)) };
            byCallId.put(callId, this);
        }

        InetSocketAddress server() {
            return server;
        }

        String localHost() {
            return o.sipLocalHost;
        }

        int sipPort() {
            return sip.socket().getLocalPort();
        }

        int rtpPort(int stream) {
            return rtp[stream].socket().getLocalPort();
        }

        synchronized void invite() {
            inviteBranch = SipMessage.branch(random);
            inviteNanos = System.nanoTime();
            String message = SiprecRequests.invite(this, inviteBranch);
            send(message, server);
            retransmitUntilAnswered(message, TIMER_T1_MS, 0, "INVITE");
        }

        private void retransmitUntilAnswered(String message, long delayMs, long elapsedMs, String method) {
            retransmit = timers.schedule(() -> {
                synchronized (this) {
                    boolean waiting = method.equals("INVITE") ? state == State.INVITING : state == State.ENDING;
                    if (!waiting) {
                        return;
                    }
                    long elapsed = elapsedMs + delayMs;
                    if (elapsed >= TRANSACTION_TIMEOUT_MS) {
                        fail("no final response to " + method + " in 32 s");
                        return;
                    }
                    send(message, server);
                    retransmitUntilAnswered(message, Math.min(delayMs * 2, 4000), elapsed, method);
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        }

        synchronized void response(SipMessage m) {
            String method = m.cseqMethod();
            if (m.status < 200) {
                return;
            }
            if ("INVITE".equals(method)) {
                if (m.status >= 300) {
                    send(SiprecRequests.ack(this, inviteBranch, SiprecRequests.requestUri(server), m.toTag()), server);
                    if (state == State.INVITING) {
                        fail("INVITE answered " + m.status);
                    }
                    return;
                }
                if (state == State.INVITING) {
                    toTag = m.toTag();
                    remoteTarget = m.contactUri() != null ? m.contactUri() : SiprecRequests.requestUri(server);
                    if (!answer(m.body)) {
                        fail("200 OK without two recorded streams");
                        send(SiprecRequests.ack(this, SipMessage.branch(random), remoteTarget, toTag), server);
                        return;
                    }
                    upNanos = System.nanoTime();
                    setupMs.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(upNanos - inviteNanos)));
                    state = State.UP;
                    streamStartNanos = upNanos;
                }
                // Every 200 (a retransmission too) gets its ACK.
                send(SiprecRequests.ack(this, SipMessage.branch(random), remoteTarget, toTag), server);
            } else if ("BYE".equals(method) && state == State.ENDING) {
                state = m.status < 300 ? State.ENDED : State.FAILED;
                if (m.status >= 300) {
                    failure = "BYE answered " + m.status;
                }
            }
        }

        /** The two answered m-lines: both recorded (a non-zero port) and the address to stream to. */
        private boolean answer(String sdp) {
            if (sdp == null) {
                return false;
            }
            String address = null;
            int count = 0;
            for (String raw : sdp.split("\r?\n")) {
                String line = raw.trim();
                if (line.startsWith("c=IN ") && line.split(" ").length == 3) {
                    address = line.split(" ")[2];
                } else if (line.startsWith("m=audio ") && count < 2) {
                    try {
                        serverPorts[count++] = Integer.parseInt(line.split(" ")[1]);
                    } catch (NumberFormatException e) {
                        return false;
                    }
                }
            }
            if (address == null || count < 2 || serverPorts[0] == 0 || serverPorts[1] == 0) {
                return false;
            }
            media = new InetSocketAddress(address, 0);
            return true;
        }

        synchronized void hangUp() {
            if (state != State.UP) {
                return;
            }
            streamStartNanos = -1;
            endNanos = System.nanoTime();
            state = State.ENDING;
            String bye = SiprecRequests.bye(this, SipMessage.branch(random), remoteTarget, toTag, ++cseq);
            send(bye, server);
            retransmitUntilAnswered(bye, TIMER_T1_MS, 0, "BYE");
        }

        synchronized void fail(String reason) {
            if (state == State.INVITING || state == State.UP || state == State.ENDING) {
                failure = reason;
                state = State.FAILED;
                streamStartNanos = -1;
            }
        }

        /** The packets due by this session's own clock: every 20 ms since the 200, catching up at most 50. */
        void sendDue(long now, ByteBuffer packet) {
            long start = streamStartNanos;
            if (start < 0) {
                return;
            }
            long due = (now - start) / PERIOD_NANOS + 1;
            int burst = 0;
            while (framesSent < due && burst++ < 50) {
                if (now - (start + framesSent * PERIOD_NANOS) > PERIOD_NANOS) {
                    packetsLate.addAndGet(2);
                }
                for (int s = 0; s < 2; s++) {
                    packet.clear();
                    packet.put((byte) 0x80).put((byte) (framesSent == 0 ? 0x80 : 0))
                            .putShort((short) sequence[s]).putInt((int) timestamp[s]).putInt(ssrc[s]);
                    int offset = (int) ((framesSent * SAMPLES) % (tones[s].length - SAMPLES));
                    packet.put(tones[s], offset, SAMPLES).flip();
                    try {
                        rtp[s].send(packet, new InetSocketAddress(media.getAddress(), serverPorts[s]));
                        packetsSent.incrementAndGet();
                    } catch (IOException e) {
                        sendErrors.incrementAndGet();
                    }
                    sequence[s] = (sequence[s] + 1) & 0xffff;
                    timestamp[s] = (timestamp[s] + SAMPLES) & 0xffffffffL;
                }
                framesSent++;
            }
        }
    }

    /** One period of a tone as PCMU plus one frame, so any frame's samples are one slice (as {@link Tone}). */
    private static byte[] ulawTone(int frequency) {
        Tone tone = Tone.of(frequency, 8000, SAMPLES);
        byte[] out = new byte[tone.periodSamples + SAMPLES];
        for (int i = 0; i < out.length; i++) {
            out[i] = Ulaw.encode((short) ((tone.pcm[2 * i] & 0xff) | (tone.pcm[2 * i + 1] << 8)));
        }
        return out;
    }

    // ------------------------------------------------------------------ media

    /** One thread sends every stream's due packets each 1 ms tick, as an SBC's media plane does. */
    private void pace() {
        ByteBuffer packet = ByteBuffer.allocate(12 + SAMPLES);
        long next = System.nanoTime();
        while (running) {
            next += TimeUnit.MILLISECONDS.toNanos(1);
            LockSupport.parkNanos(next - System.nanoTime());
            long now = System.nanoTime();
            if (now - next > PERIOD_NANOS) {
                next = now; // fell far behind (a GC pause): catch up by count, not by ticks
            }
            for (Session s : sessions) {
                synchronized (s) {
                    s.sendDue(now, packet);
                }
            }
        }
    }

    // ------------------------------------------------------------------ checks and report

    /** Finds each session's call in the library (by its first participant's name) and checks its file. */
    private List<RecordingChecker.Result> checkRecordings() throws InterruptedException {
        AgentSession api;
        try {
            api = AgentSession.signIn(o.url, o.user, o.password);
        } catch (AgentSession.SignInException e) {
            err.println("siprec: recordings not checked: " + e.getMessage());
            return List.of();
        }
        List<RecordingChecker.Expected> expected = new ArrayList<>();
        int sampleRate = 0;
        long deadline = System.nanoTime() + (long) ((o.recordingWaitSeconds + 5) * 1e9);
        for (Session s : sessions) {
            if (s.state != State.ENDED) {
                continue;
            }
            JsonNode call = null;
            while (call == null && System.nanoTime() < deadline) {
                call = endedCall(api, s.tag + "-L");
                if (call == null) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                }
            }
            if (call == null) {
                expected.add(new RecordingChecker.Expected("missing-" + s.tag, 0, leftHz(s.index), rightHz(s.index),
                        s.tag));
                continue;
            }
            sampleRate = call.path("recording").path("sampleRate").asInt(sampleRate);
            serverLostPackets.addAndGet(call.path("recording").path("lostPackets").asLong());
            expected.add(new RecordingChecker.Expected(call.path("id").asString(), call.path("durationMs").asLong(),
                    leftHz(s.index), rightHz(s.index), s.tag));
        }
        if (expected.isEmpty()) {
            return List.of();
        }
        return new RecordingChecker(o.recordingsDir, sampleRate).check(expected, o.recordingWaitSeconds);
    }

    /** The ended call whose participant is named {@code name}, or null (not there, or not ended yet). */
    private static JsonNode endedCall(AgentSession api, String name) throws InterruptedException {
        try {
            String body = api.get("/api/calls?source=siprec&q=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
            if (body == null) {
                return null;
            }
            for (JsonNode item : EventChannel.JSON.readTree(body).path("items")) {
                if ("ended".equals(item.path("state").asString()) && item.path("durationMs").isNumber()
                        && "complete".equals(item.path("recording").path("status").asString())) {
                    return item;
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private int report(List<RecordingChecker.Result> recordings) {
        long established = sessions.stream().filter(s -> s.upNanos > 0).count();
        long ended = sessions.stream().filter(s -> s.state == State.ENDED).count();
        List<Session> failed = sessions.stream().filter(s -> s.state != State.ENDED).toList();
        Map<String, Integer> reasons = new TreeMap<>();
        failed.forEach(s -> reasons.merge(s.failure == null ? String.valueOf(s.state) : s.failure, 1, Integer::sum));
        long expectedPackets = sessions.stream().mapToLong(s -> 2 * s.framesSent).sum();
        long recOk = recordings.stream().filter(r -> r.status.equals("ok")).count();
        long recBad = recordings.stream().filter(r -> r.status.equals("bad")).count();
        long recMissing = recordings.stream().filter(r -> r.status.equals("missing")).count();
        double durErrMax = recordings.stream().mapToDouble(r -> Double.isNaN(r.durationErrorMs) ? 0 : Math.abs(r.durationErrorMs))
                .max().orElse(0);
        boolean clean = failed.isEmpty() && sendErrors.get() == 0 && serverLostPackets.get() == 0
                && (o.recordingsDir == null || recOk == ended && recBad == 0 && recMissing == 0);
        double srvCpu = serverCpuTicks < 0 || holdSeconds <= 0 ? Double.NaN
                : serverCpuTicks * 100.0 / ServerProbe.clockTicksPerSecond() / holdSeconds;
        double genCpu = holdSeconds <= 0 ? Double.NaN : toolCpuNanos / 1e9 / holdSeconds * 100;
        long up = Math.max(1, established);

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("mode", "siprec");
        root.put("sessions", o.siprecSessions);
        root.put("established", established);
        root.put("ended", ended);
        root.put("failed", failed.size());
        root.put("failureReasons", reasons);
        root.put("packetsSent", packetsSent.get());
        root.put("packetsSentOver20msLate", packetsLate.get());
        root.put("sendErrors", sendErrors.get());
        root.put("serverCpuPct", Double.isNaN(srvCpu) ? null : Report.round(srvCpu, 1));
        root.put("serverCpuPctPerSession", Double.isNaN(srvCpu) ? null : Report.round(srvCpu / up, 3));
        root.put("toolCpuPct", Report.round(genCpu, 1));
        root.put("serverLostPackets", o.recordingsDir == null ? null : serverLostPackets.get());
        root.put("setupMs", Map.of("p50", setupMs.getValueAtPercentile(50) / 1000.0,
                "p99", setupMs.getValueAtPercentile(99) / 1000.0, "max", setupMs.getMaxValue() / 1000.0));
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("checked", recordings.size());
        rec.put("ok", recOk);
        rec.put("bad", recBad);
        rec.put("missing", recMissing);
        rec.put("durationErrorMaxMs", Report.round(durErrMax, 1));
        rec.put("problems", recordings.stream().filter(r -> !r.status.equals("ok")).limit(20).map(RecordingChecker.Result::toMap)
                .toList());
        root.put("recordings", o.recordingsDir == null ? null : rec);
        root.put("clean", clean);
        String line = String.format(java.util.Locale.ROOT,
                "server=callvault mode=siprec sessions=%d established=%d failed=%d holdS=%.1f packetsSent=%d "
                        + "packetsExpected=%d sentLate=%d setupP99Ms=%.1f srvCpu=%s srvCpuPerSession=%s genCpu=%.1f%s clean=%s",
                o.siprecSessions, established, failed.size(), holdSeconds, packetsSent.get(), expectedPackets,
                packetsLate.get(), setupMs.getValueAtPercentile(99) / 1000.0,
                Double.isNaN(srvCpu) ? "-" : String.format(java.util.Locale.ROOT, "%.1f", srvCpu),
                Double.isNaN(srvCpu) ? "-" : String.format(java.util.Locale.ROOT, "%.3f", srvCpu / up), genCpu,
                o.recordingsDir == null ? "" : String.format(java.util.Locale.ROOT,
                        " lostPackets=%d recOk=%d recBad=%d recMissing=%d durErrMaxMs=%.1f", serverLostPackets.get(),
                        recOk, recBad, recMissing, durErrMax),
                clean ? "yes" : "no");
        root.put("resultLine", line);
        out.println("siprec    : " + o.siprecSessions + " sessions, " + established + " established, " + failed.size()
                + " failed " + reasons);
        out.println("packets   : " + packetsSent.get() + " sent (" + packetsLate.get() + " over 20 ms late)");
        if (o.recordingsDir != null) {
            out.println("recordings: " + recOk + " ok, " + recBad + " bad, " + recMissing + " missing of " + recordings.size()
                    + "; duration error max " + Report.round(durErrMax, 1) + " ms");
        }
        out.println(line);
        out.println(Report.toJson(root, false));
        if (o.jsonFile != null) {
            try {
                Files.writeString(o.jsonFile, Report.toJson(root, true));
            } catch (IOException e) {
                err.println("callvault-loadtool: cannot write " + o.jsonFile + ": " + e);
            }
        }
        for (Session s : sessions) {
            for (DatagramChannel c : s.rtp) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
        return clean ? 0 : 1;
    }
}
