package org.callvault.transport.sip;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.sip.ListeningPoint;
import javax.sip.SipProvider;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.MessageFactoryImpl;

import org.callvault.call.CallService;
import org.callvault.media.AudioFormat;
import org.callvault.media.codec.OpusCodec;
import org.callvault.system.CallVaultProperties;
import org.callvault.system.TrainingStart;
import org.callvault.system.TrustedProxies;
import org.callvault.transport.ws.AgentPresence;
import org.callvault.transport.ws.SignalingThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The SIP endpoint: a JAIN-SIP stack with one UDP and one TCP listening point on the same port
 * ({@code callvault.sip.*}), started with the application and stopped after the live calls were
 * ended (so their BYEs still go out). docs/sip.md says what it answers.
 */
@Component
public class SipServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SipServer.class);

    /** How long a digest nonce may be used: long enough for a PBX to answer the challenge and reuse it. */
    private static final Duration NONCE_LIFETIME = Duration.ofMinutes(5);
    /** Nonces whose highest nonce count is remembered against replays (roughly 100 bytes each). */
    private static final int MAX_TRACKED_NONCES = 10_000;

    /** TCP connections at once; the next ones wait in the listen backlog until one closes. */
    static final int MAX_CONNECTIONS = 512;

    /** Largest message over TCP (headers and body); a larger Content-Length gets 513 and the close. */
    static final int MAX_MESSAGE_SIZE = 65536;

    /**
     * Largest datagram parsed; a larger one gets 513 (or is dropped). Real INVITEs stay far below it
     * (BroadWorks' run to about 3.6 KB); anything that needs more belongs on TCP.
     */
    static final int UDP_MAX_MESSAGE_SIZE = 16 * 1024;

    private final CallVaultProperties.Sip settings;
    private final CallService calls;
    private final AgentPresence presence;
    private final SignalingThreads signaling;
    private final TrustedProxies trusted;
    private final RtpPorts rtpPorts;
    private final AudioFormat format;
    /** The media path's warm-up, begun when this bean is made; {@link #start()} waits for it. */
    private final CompletableFuture<Void> mediaWarmUp;
    private volatile RtpEngine rtpEngine;
    private volatile SipStackImpl stack;
    private volatile SipDispatcher dispatcher;
    private volatile int port = -1;
    private volatile String externalAddress;

    SipServer(CallVaultProperties properties, CallService calls, AgentPresence presence, SignalingThreads signaling,
            AudioFormat format) {
        this.format = format;
        this.settings = properties.sip();
        this.calls = calls;
        this.presence = presence;
        this.signaling = signaling;
        // Same CIDR rule as the trusted proxies; a bad entry stops the start with its text.
        this.trusted = new TrustedProxies(settings.trusted());
        this.rtpPorts = new RtpPorts(settings.rtpPorts());
        this.mediaWarmUp = settings.enabled() ? beginMediaWarmUp() : CompletableFuture.completedFuture(null);
    }

    @Override
    public void start() {
        if (!settings.enabled()) {
            log.info("SIP disabled (callvault.sip.enabled=false)");
            return;
        }
        try {
            InetAddress bind = InetAddress.getByName(settings.bind());
            int chosen = settings.port() == 0 ? freePort(bind) : settings.port();
            String external = settings.externalAddress().isBlank() ? announced(bind) : settings.externalAddress().strip();
            SipStackImpl newStack = new SipStackImpl(stackProperties(chosen));
            // One RTP thread per core: a leg's work is CPU (decode, resample), never a wait.
            RtpEngine engine = new RtpEngine(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
            this.rtpEngine = engine;
            RtpSessions media = new RtpSessions(rtpPorts, bind, engine, format, "callvault@" + external);
            // Before the listening points: JAIN-SIP reads from their sockets as soon as they exist.
            awaitMediaWarmUp();
            ListeningPoint udp = newStack.createListeningPoint(bind.getHostAddress(), chosen, ListeningPoint.UDP);
            ListeningPoint tcp = newStack.createListeningPoint(bind.getHostAddress(), chosen, ListeningPoint.TCP);
            SipProvider provider = newStack.createSipProvider(udp);
            provider.addListeningPoint(tcp);
            SipDispatcher newDispatcher = new SipDispatcher(new MessageFactoryImpl(), new HeaderFactoryImpl(),
                    new AddressFactoryImpl(), calls, presence, signaling.scheduler(), trusted,
                    new InviteRateLimiter(settings.invitesPerSecond()), media, settings.maxCalls(), external, chosen);
            newDispatcher.attach(provider);
            newDispatcher.recordingMediaTimeout(settings.recordingMediaTimeout());
            newDispatcher.omitPausedAudio(settings.siprec().pausedAudio() == CallVaultProperties.PausedAudio.OMIT);
            if (!settings.credentials().isEmpty()) {
                newDispatcher.authenticateUntrusted(digestAuthenticator());
            }
            provider.addSipListener(newDispatcher);
            newStack.start();
            this.stack = newStack;
            this.dispatcher = newDispatcher;
            this.externalAddress = external;
            this.port = chosen;
            log.info("SIP listening on {}:{} (UDP and TCP), announcing {}, RTP ports {} ({} calls at most)",
                    bind.getHostAddress(), chosen, external, settings.rtpPorts(),
                    Math.min(settings.maxCalls(), rtpPorts.capacity()));
            log.info("Codecs: PCMU, PCMA, G.722; Opus (recording sessions) through {}",
                    OpusCodec.implementation() == OpusCodec.Implementation.NATIVE
                            ? "libopus" : "Concentus, pure Java (libopus: " + OpusCodec.nativeProblem() + ")");
        }
        catch (Exception e) {
            throw new IllegalStateException("SIP could not listen on " + settings.bind() + ":" + settings.port()
                    + " (callvault.sip.port; set callvault.sip.enabled=false to run without SIP): " + e.getMessage(), e);
        }
    }

    /** Digest authentication for INVITEs from outside {@code callvault.sip.trusted}; nonces live 5 minutes. */
    private DigestAuthenticator digestAuthenticator() {
        Map<String, String> passwords = new LinkedHashMap<>();
        settings.credentials().forEach(c -> passwords.put(c.username(), c.password()));
        List<SipDigest.Algorithm> algorithms = settings.digestAlgorithms().stream()
                .map(name -> SipDigest.Algorithm.named(name).orElseThrow()).distinct().toList();
        log.info("SIP digest authentication for sources outside callvault.sip.trusted: {} user(s), realm '{}', {}",
                passwords.size(), settings.realm(), settings.digestAlgorithms());
        return new DigestAuthenticator(settings.realm(), passwords, algorithms,
                new DigestNonces(NONCE_LIFETIME, MAX_TRACKED_NONCES, System::nanoTime), new MessageFactoryImpl(),
                new HeaderFactoryImpl(), new AddressFactoryImpl());
    }

    private Properties stackProperties(int chosenPort) {
        Properties p = new Properties();
        // Unique per instance: tests run several application contexts in one JVM.
        p.setProperty("javax.sip.STACK_NAME", "callvault-sip-" + chosenPort + "-" + System.nanoTime());
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        // A few threads for the stack's own work; the listener only queues call work (SipCall).
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "4");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        // TCP stays on the RI's default (blocking: two threads per connection, bounded by MAX_CONNECTIONS
        // and the idle timeout below). Its NIO processor frames messages by a naive prefix match on
        // "Content-Length" that misses the compact "l:" and "Content-Length :" (RFC 4475 wsinv, longreq):
        // the body is then read as the next message.
        // Bounds on what a flood can hold: connections, transactions, message size.
        p.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", String.valueOf(MAX_CONNECTIONS));
        p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", "4000");
        p.setProperty("gov.nist.javax.sip.MAX_CLIENT_TRANSACTIONS", "1000");
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", String.valueOf(MAX_MESSAGE_SIZE));
        // A message begun over TCP must go on arriving: a stall this long closes the connection.
        p.setProperty("gov.nist.javax.sip.READ_TIMEOUT", "5000");
        // Hostile input (docs/sip.md, "Hostile input"): sockets with an idle timeout, a per-source
        // connection cap and a UDP size limit; a parser that refuses what the RI lets through; the
        // per-request checks RFC 3261 asks of a UAS before the application (416, 420, 415, 406).
        p.setProperty("gov.nist.javax.sip.NETWORK_LAYER", SipNetworkLayer.class.getName());
        p.setProperty(SipNetworkLayer.IDLE_TIMEOUT, String.valueOf(settings.tcpIdleTimeout().toMillis()));
        p.setProperty(SipNetworkLayer.PER_SOURCE, String.valueOf(settings.tcpConnectionsPerSource()));
        p.setProperty(SipNetworkLayer.UDP_MAX, String.valueOf(UDP_MAX_MESSAGE_SIZE));
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", SipMessageGuard.class.getName());
        p.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", SipRequestValve.class.getName());
        p.setProperty("gov.nist.javax.sip.CACHE_SERVER_CONNECTIONS", "true");
        p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
        return p;
    }

    @Override
    public void stop() {
        SipStackImpl current = stack;
        if (current == null) {
            return;
        }
        // GracefulShutdown (a higher phase) ended the calls; their BYEs and final responses are
        // queued on the signaling pool: give them a moment to leave before the sockets close.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (dispatcher.activeCalls() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        current.stop();
        dispatcher.close();
        stack = null;
        RtpEngine engine = rtpEngine;
        if (engine != null) {
            engine.close();
            rtpEngine = null;
        }
        log.info("SIP stopped");
    }

    @Override
    public boolean isRunning() {
        return stack != null;
    }

    /** Below GracefulShutdown: stops after the live calls were ended. */
    @Override
    public int getPhase() {
        return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE;
    }

    /** The port SIP listens on (UDP and TCP), -1 when not running. */
    public int port() {
        return port;
    }

    public String externalAddress() {
        return externalAddress;
    }

    /** RTP ports held by calls now. */
    public int rtpPortsInUse() {
        return rtpPorts.inUse();
    }

    /**
     * Server transactions the stack holds now. One lives until its final response is acknowledged or
     * times out (an INVITE's refusal without ACK: Timer H, 32 s over UDP).
     */
    public int serverTransactions() {
        SipStackImpl current = stack;
        return current == null ? 0 : current.getServerTransactionTableSize();
    }

    /** TCP connections peers opened to the SIP port and the server has not closed yet. */
    public int openTcpConnections() {
        return port < 0 ? 0 : SipNetworkLayer.openAccepted(port);
    }

    /** SIP calls ringing or answered now. */
    public int activeCalls() {
        SipDispatcher current = dispatcher;
        return current == null ? 0 : current.activeCalls();
    }

    /** A port free for both UDP and TCP on {@code bind} (port 0: tests run several servers at once). */
    private static int freePort(InetAddress bind) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int candidate;
            try (ServerSocket tcp = new ServerSocket(0, 1, bind)) {
                candidate = tcp.getLocalPort();
            }
            try (DatagramSocket udp = new DatagramSocket(candidate, bind)) {
                return candidate;
            }
            catch (SocketException taken) {
                // UDP side in use: try another
            }
        }
        throw new IOException("no port free for both UDP and TCP");
    }

    /** The bind address, or when bound to any, this host's first non-loopback IPv4 address. */
    private static String announced(InetAddress bind) throws SocketException, UnknownHostException {
        if (!bind.isAnyLocalAddress()) {
            return bind.getHostAddress();
        }
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLinkLocalAddress()) {
                    return address.getHostAddress();
                }
            }
        }
        return InetAddress.getLocalHost().getHostAddress();
    }

    /**
     * See {@link SipMediaWarmUp}. It runs on a thread of its own while the rest of the context is
     * made (half a second to a second of CPU, beside Spring's single-threaded start: docs/BENCHMARKS.md,
     * "Fast start: training to readiness, the SIP warm-up beside the refresh"), and {@link #start()}
     * waits for it before the SIP sockets open, so the first calls never share the cores with it
     * (run beside them, its second of CPU delayed their RTP) and readiness still means warmed up.
     */
    private CompletableFuture<Void> beginMediaWarmUp() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            long begin = System.nanoTime();
            try {
                if (!TrainingStart.running()) { // see TrainingStart: not trained, warmed up at each start
                    SipMediaWarmUp.run(format);
                }
                // Loads libopus (or finds it missing) here rather than in start(), which names it.
                OpusCodec.implementation();
                log.info("SIP media path warmed up in {} ms", (System.nanoTime() - begin) / 1_000_000);
            }
            catch (RuntimeException e) {
                log.warn("Could not warm the SIP media path up (calls work all the same, the first ones on colder code)", e);
            }
            finally {
                done.complete(null);
            }
        }, "sip-media-warm-up");
        thread.setDaemon(true);
        thread.start();
        return done;
    }

    private void awaitMediaWarmUp() {
        long begin = System.nanoTime();
        mediaWarmUp.join();
        log.debug("SIP start waited {} ms for the media warm-up", (System.nanoTime() - begin) / 1_000_000);
    }
}
