package org.callvault.call;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;

import org.callvault.database.DatabaseAvailability;
import org.callvault.database.PersistenceQueue;
import org.callvault.media.Bridge;
import org.callvault.recording.RecordingService;
import org.callvault.system.CallVaultProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * The rules of a call: who may dial, answer, decline and hang up, when, and what happens to the
 * media and the recording at each step. Every state change goes through {@link #moveTo}, under
 * the call's monitor, and is broadcast and queued for the database from there. The live calls here
 * are the truth: their rows are written behind a queue ({@link PersistenceQueue}), so no call waits
 * on the database. Methods may still block briefly (call monitors, the recorder's control queue):
 * transports call them off their network threads.
 */
@Service
public class CallService {

    private static final Logger log = LoggerFactory.getLogger(CallService.class);

    private final Map<String, Call> live = new ConcurrentHashMap<>();
    private final Map<String, MediaTicket> mediaTickets = new ConcurrentHashMap<>();
    private final List<CallObserver> observers = new CopyOnWriteArrayList<>();
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService timers;

    private final CallRepository repository;
    private final PersistenceQueue writes;
    private final DatabaseAvailability database;
    private final RecordingService recordings;
    private final DialRateLimiter dialLimiter;
    private final Clock clock;
    private final Duration ringTimeout;
    private final Duration gracePeriod;
    private volatile boolean stopping;
    /** SIGTERM: new calls are refused while the live ones finish (docs/ARCHITECTURE.md, "Draining"). */
    private volatile boolean draining;
    /** Notified each time an ended call has been told to its parties, for {@link #awaitNoLiveCalls}. */
    private final Object callsGone = new Object();
    /** Calls out of {@link #live} whose end is still being told to their parties. */
    private final AtomicInteger ending = new AtomicInteger();
    /** Calls in RINGING, reserved before the row is written so concurrent dials cannot overshoot. */
    private final AtomicInteger ringingCount = new AtomicInteger();
    private final int maxRinging;
    private final CallMetrics metrics;
    private final AgentRoster roster = new AgentRoster();
    private final Ringing ringing;
    private final Duration ringEach;
    private final boolean waitWhenNobodyAvailable;
    /** Several nodes: this node's part in calls across them; null on one node (nothing extra on any path). */
    private final CallCluster cluster;

    public CallService(CallRepository repository, PersistenceQueue writes, DatabaseAvailability database,
            RecordingService recordings, DialRateLimiter dialLimiter, Clock clock, CallVaultProperties properties,
            CallMetrics metrics, ClusterEvents clusterEvents, ClusterProperties clusterProperties, LostNodes lostNodes,
            ApplicationEventPublisher events) {
        this.metrics = metrics;
        metrics.watch(this::liveCallCount);
        this.repository = repository;
        this.writes = writes;
        this.database = database;
        this.recordings = recordings;
        this.dialLimiter = dialLimiter;
        this.clock = clock;
        this.ringTimeout = properties.calls().ringTimeout();
        this.gracePeriod = properties.calls().legGracePeriod();
        this.maxRinging = properties.calls().maxRinging();
        this.ringing = new Ringing(roster, properties.calls().longestIdle());
        this.ringEach = properties.calls().ringEach();
        this.waitWhenNobodyAvailable = properties.calls().waitWhenNobodyAvailable();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "call-timers");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.timers = executor;
        this.cluster = clusterEvents.enabled() ? new CallCluster(clusterEvents, this, roster, clock,
                clusterProperties.nodeLostAfter(), lostNodes, ready -> fencedReadiness(events, ready)) : null;
        if (cluster != null) {
            observers.add(cluster);
        }
    }

    public void addObserver(CallObserver observer) {
        observers.add(observer);
    }

    /** Live calls, oldest first: what a console shows when it connects. */
    public List<CallView> liveCalls() {
        return live.values().stream().filter(c -> !c.recordedOnly).map(this::snapshot).sorted(Comparator.comparing(CallView::createdAt)).toList();
    }

    /**
     * Live calls {@code console} may see, of every live node (docs/protocol.md, {@code welcome} and
     * {@code resync}): answered ones, and ringing ones it may answer: those that ring at it, and under
     * ring-all every ringing call while it is {@code available} (a new console is; each would ring at
     * it in a moment anyway). Other nodes' calls as this node last heard of them ({@link CallCluster}).
     */
    public List<CallView> liveCalls(CallParty console, boolean available) {
        boolean anyRinging = available && !ringing.longestIdle();
        java.util.stream.Stream<CallView> here = live.values().stream().filter(c -> !c.recordedOnly).map(c -> {
            synchronized (c) {
                return c.state != CallState.RINGING || anyRinging || c.ringingAt.contains(console) ? c.view() : null;
            }
        }).filter(java.util.Objects::nonNull);
        java.util.stream.Stream<CallView> elsewhere = cluster == null ? java.util.stream.Stream.empty()
                : cluster.remoteCalls(anyRinging).stream().filter(c -> !live.containsKey(c.id()));
        return java.util.stream.Stream.concat(here, elsewhere).sorted(Comparator.comparing(CallView::createdAt)).toList();
    }

    /** An agent console opened: Available until it says otherwise; ringing calls are offered to it. */
    public void agentConnected(CallParty console, String user) {
        roster.add(console, user, clock.millis());
        reofferSoon();
    }

    /** The agent set the console Away ({@code away}) or Available; returns its status now (BUSY on a call). */
    public AgentStatus setAway(CallParty console, boolean away) {
        AgentStatus status = roster.setAway(console, away, clock.millis());
        if (status == null) {
            throw new CallException(CallErrorCode.FORBIDDEN, null, "Only an agent console has an availability");
        }
        reofferSoon();
        return status;
    }

    public AgentStatus status(CallParty console) {
        return roster.status(console);
    }

    /** The agent of a live call (its row may not say so yet: rows follow behind a queue), or null. */
    public String liveAgent(String callId) {
        Call call = callId == null ? null : live.get(callId);
        if (call == null) {
            return null;
        }
        synchronized (call) {
            return call.agent;
        }
    }

    /** Whether any console would ring for a new call now. */
    public boolean anyAgentAvailable() {
        return roster.anyAvailable();
    }

    public int liveCallCount() {
        return live.size();
    }

    /** Calls in progress that came from {@code source} (recorded-only SIPREC sessions included). */
    public long liveCallCount(String source) {
        return live.values().stream().filter(call -> source.equals(call.source)).count();
    }

    public CallView dial(CallParty caller, String callerName, String callerNumber, String callerAddress) {
        return dial(caller, callerName, callerNumber, callerAddress, CallView.BROWSER);
    }

    /** A call from {@code source} ({@link CallView#BROWSER} or {@link CallView#SIP}). */
    public CallView dial(CallParty caller, String callerName, String callerNumber, String callerAddress,
            String source) {
        if (stopping) {
            throw new CallException(CallErrorCode.UNAVAILABLE, null, "The server is shutting down; call again shortly");
        }
        if (draining) {
            throw new CallException(CallErrorCode.SERVER_DRAINING, null,
                    "This server is stopping and takes no new calls; call again (another server answers)");
        }
        if (!database.isUp()) {
            // Live calls go on without it, but a new call would have no row (nor recording row) to fall back on.
            throw new CallException(CallErrorCode.UNAVAILABLE, null,
                    "The server cannot take new calls now (its database does not answer); try again shortly");
        }
        if (live.values().stream().anyMatch(c -> c.caller.party == caller)) {
            throw new CallException(CallErrorCode.BUSY, null, "This phone already has a live call");
        }
        // SIP limits new INVITEs per source itself (a trunk brings every customer from one address).
        if (!CallView.SIP.equals(source) && !dialLimiter.tryAcquire(callerAddress)) {
            throw new CallException(CallErrorCode.RATE_LIMITED, null, "Too many calls from this address; wait a minute");
        }
        if (ringingCount.incrementAndGet() > maxRinging) {
            ringingCount.decrementAndGet();
            throw new CallException(CallErrorCode.LINES_BUSY, null,
                    "All lines are busy (" + maxRinging + " calls ringing); try again in a moment");
        }
        Call call = new Call(callerName, callerNumber, callerAddress, clock.instant(), source);
        CallView view;
        synchronized (call) {
            call.caller.party = caller;
            call.caller.owner = caller.owner();
            call.caller.resumeToken = legToken();
            view = call.view();
            writes.submit(null, () -> repository.insert(view, callerAddress, homeNode()));
            live.put(call.id, call);
            caller.legAssigned(call.id, LegRole.CALLER, call.caller.resumeToken);
            Ringing.Change change = ringing.update(call, clock.millis());
            if (call.ringingAt.isEmpty() && !waitWhenNobodyAvailable) {
                log.info("Call {} from {} ({}): no agent available", call.id, callerName, source);
                return moveTo(call, CallState.MISSED, EndReason.NO_AGENT_AVAILABLE);
            }
            publish(call, view);
            scheduleMoveOn(call, change);
        }
        timers.schedule(() -> ringTimedOut(call), ringTimeout.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Call {} ringing from {} ({}, {})", call.id, callerName, callerAddress, source);
        return view;
    }

    /** Returns null when the call lives on another node: that node answers the console itself. */
    public CallView answer(String callId, CallParty agentParty, String agentName) {
        if (cluster != null && !live.containsKey(String.valueOf(callId))
                && cluster.forward("answer", callId, agentParty, agentName)) {
            return null;
        }
        Call call = find(callId);
        synchronized (call) {
            if (call.state == CallState.ANSWERED) {
                throw new CallException(CallErrorCode.ALREADY_ANSWERED, callId, "Call already answered by " + call.agent);
            }
            requireMove(call, CallState.ANSWERED, "answered");
            requireRingingAt(call, agentParty);
            long nowNanos = System.nanoTime();
            call.agent = agentName;
            call.answeredAt = clock.instant();
            call.answeredNanos = nowNanos;
            call.agentLeg.party = agentParty;
            call.agentLeg.owner = agentParty.owner();
            call.agentLeg.resumeToken = legToken();
            boolean opusTalkers = call.caller.party != null && call.caller.party.speaksOpus() && agentParty.speaksOpus();
            call.recording = recordings.start(call.id, call.answeredAt, nowNanos, recordings.stereoByDefault(),
                    opusTalkers);
            call.bridge = new Bridge(call.recording.sink());
            CallView view = moveTo(call, CallState.ANSWERED, null);
            agentParty.legAssigned(call.id, LegRole.AGENT, call.agentLeg.resumeToken);
            roster.busy(agentParty, call.id);
            reofferSoon(); // a busy console stops ringing for the other calls
            offerMedia(call, call.caller);
            offerMedia(call, call.agentLeg);
            log.info("Call {} answered by {}", call.id, agentName);
            return view;
        }
    }

    public CallView decline(String callId, String agentName) {
        return decline(callId, null, agentName);
    }

    /** {@code console}: the agent's console, which must be one the call rings at under longest-idle. */
    public CallView decline(String callId, CallParty console, String agentName) {
        if (cluster != null && !live.containsKey(String.valueOf(callId))
                && cluster.forward("decline", callId, console, agentName)) {
            return null;
        }
        Call call = find(callId);
        synchronized (call) {
            if (call.state == CallState.ANSWERED) {
                throw new CallException(CallErrorCode.ALREADY_ANSWERED, callId, "Call already answered by " + call.agent);
            }
            requireMove(call, CallState.REJECTED, "declined");
            if (console != null) {
                requireRingingAt(call, console);
            }
            call.agent = agentName;
            return moveTo(call, CallState.REJECTED, EndReason.DECLINED);
        }
    }

    /**
     * The caller (ringing or answered) or the answering agent hangs up; any agent
     * ({@code agentName} not null) hanging up a ringing call declines it.
     */
    public CallView hangup(String callId, CallParty party, String agentName) {
        if (cluster != null && !live.containsKey(String.valueOf(callId))
                && cluster.forward("hangup", callId, party, agentName)) {
            return null;
        }
        Call call = find(callId);
        synchronized (call) {
            if (call.state.isTerminal()) {
                throw new CallException(CallErrorCode.INVALID_STATE, callId,
                        "Call " + callId + " is " + call.state.wireName() + " already");
            }
            if (party != null && party == call.caller.party) {
                return call.state == CallState.RINGING ? moveTo(call, CallState.CANCELLED, EndReason.CALLER_HANGUP)
                        : moveTo(call, CallState.ENDED, EndReason.CALLER_HANGUP);
            }
            if (party != null && party == call.agentLeg.party) {
                return moveTo(call, CallState.ENDED, EndReason.AGENT_HANGUP);
            }
            if (agentName != null && call.state == CallState.RINGING) {
                // An agent hanging up a ringing call turns it down, as the protocol table says.
                requireMove(call, CallState.REJECTED, "declined");
                requireRingingAt(call, party);
                call.agent = agentName;
                return moveTo(call, CallState.REJECTED, EndReason.DECLINED);
            }
            throw new CallException(CallErrorCode.FORBIDDEN, callId, "Only a party of the call may hang it up");
        }
    }

    /**
     * The caller's side put the call on hold or resumed it (a SIP re-INVITE): every console shows
     * it at once. Only the caller's own channel may say so; a call not answered ignores it.
     */
    public void holdChanged(String callId, CallParty party, boolean held) {
        Call call = live.get(callId);
        if (call == null) {
            return;
        }
        synchronized (call) {
            if (call.state != CallState.ANSWERED || call.caller.party != party || call.held == held) {
                return;
            }
            call.held = held;
            log.info("Call {} {} by the caller", call.id, held ? "held" : "resumed");
            publishUpdate(call);
        }
    }

    /**
     * The caller pressed a key: placed on the call's timeline (milliseconds since the answer by the
     * server's clock), shown to the consoles and kept with the call. Only the caller's own channel
     * may report one; past {@link DtmfDigit#MAX_PER_CALL} digits are counted in the log, not kept.
     */
    public void dtmf(String callId, CallParty party, char digit) {
        Call call = live.get(callId);
        if (call == null) {
            return;
        }
        synchronized (call) {
            if (call.state != CallState.ANSWERED || call.caller.party != party) {
                return;
            }
            placeDigit(call, digit);
        }
    }

    /** Puts a digit on the call's timeline and tells everyone concerned. Under the call's monitor. */
    private void placeDigit(Call call, char digit) {
        if (call.dtmf.size() >= DtmfDigit.MAX_PER_CALL) {
            log.debug("Call {}: DTMF digit {} not kept, {} already", call.id, digit, DtmfDigit.MAX_PER_CALL);
            return;
        }
        call.dtmf.add(new DtmfDigit(digit, call.millisSinceAnswer()));
        publishUpdate(call); // a recorded-only call: its row, no console
    }

    /** The row is rewritten and every party told (a transition, or a change within a state). */
    private CallView publishUpdate(Call call) {
        CallView view = call.view();
        // Each update holds the whole row, so a newer one replaces a queued older one of the same call.
        writes.submit("call " + call.id, () -> repository.update(view));
        publish(call, view);
        return view;
    }

    /**
     * Opens a call that CallVault records but does not carry (a SIPREC session): its row says
     * answered from now on, its recording starts now ({@code stereo}: track 0 left, track 1 right),
     * and the returned handle's bridge takes the streams' frames. No console rings or sees it.
     * {@code omitPausedAudio}: the client's pauses are cut out of the file instead of kept as silence.
     */
    public RecordedCall startRecordedCall(String callerName, String callerNumber, String sourceAddress, String source,
            boolean stereo, boolean omitPausedAudio) {
        if (draining && !stopping) {
            throw new CallException(CallErrorCode.SERVER_DRAINING, null, "This server is stopping and records no new sessions");
        }
        if (stopping || !database.isUp()) {
            throw new CallException(CallErrorCode.UNAVAILABLE, null, "The server cannot record new sessions now");
        }
        Call call = new Call(callerName, callerNumber, sourceAddress, clock.instant(), source);
        synchronized (call) {
            long nowNanos = System.nanoTime();
            call.recordedOnly = true;
            call.state = CallState.ANSWERED;
            call.answeredAt = call.createdAt;
            call.answeredNanos = nowNanos;
            CallView row = call.view();
            writes.submit(null, () -> repository.insert(row, sourceAddress, homeNode())); // before the recording's row refers to it
            call.recording = recordings.start(call.id, call.answeredAt, nowNanos, stereo);
            call.bridge = new Bridge(call.recording.sink());
            CallView view = call.view();
            writes.submit("call " + call.id, () -> repository.update(view));
            live.put(call.id, call);
        }
        log.info("Recording session {} opened from {} ({})", call.id, sourceAddress, source);
        return new RecordedCall() {
            @Override
            public String callId() {
                return call.id;
            }

            @Override
            public Bridge bridge() {
                return call.bridge;
            }

            @Override
            public void describe(RecordingSessionFacts facts) {
                synchronized (call) {
                    boolean first = call.session == null;
                    call.session = facts;
                    String pauses = call.pausesText();
                    writes.submit(first ? null : "session " + call.id,
                            () -> repository.saveSession(call.id, facts, pauses, first));
                }
            }

            @Override
            public void paused(boolean paused, long playoutNanos) {
                synchronized (call) {
                    if (call.state.isTerminal() || call.pausedSince >= 0 == paused) {
                        return;
                    }
                    // One instant for the stored interval and the cut in the file; the cut lies later by
                    // the pause's playout delay, at both ends: the same length, after the audio received before it.
                    long atNanos = System.nanoTime();
                    long atMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(atNanos - call.answeredNanos));
                    if (paused) {
                        call.pausedSince = atMs;
                    }
                    else {
                        call.pauses.add(new long[] { call.pausedSince, atMs });
                        call.pausedSince = -1;
                    }
                    if (omitPausedAudio) {
                        if (paused) {
                            call.pausePlayoutNanos = Math.max(0, playoutNanos);
                            call.recording.omitFrom(atNanos + call.pausePlayoutNanos);
                        }
                        else {
                            call.recording.omitUntil(atNanos + call.pausePlayoutNanos);
                        }
                    }
                    savePauses(call);
                }
            }

            @Override
            public void dtmf(char digit) {
                synchronized (call) {
                    if (!call.state.isTerminal()) {
                        placeDigit(call, digit);
                    }
                }
            }

            @Override
            public void end(EndReason reason) {
                synchronized (call) {
                    if (!call.state.isTerminal()) {
                        if (call.pausedSince >= 0) {
                            long atMs = call.millisSinceAnswer();
                            call.pauses.add(new long[] { call.pausedSince, atMs });
                            call.pausedSince = -1;
                            savePauses(call);
                        }
                        moveTo(call, CallState.ENDED, reason);
                    }
                }
            }

            @Override
            public boolean ended() {
                synchronized (call) {
                    return call.state.isTerminal();
                }
            }
        };
    }

    private void savePauses(Call call) {
        if (call.session == null) {
            return; // described later: the row is written with the pauses then
        }
        RecordingSessionFacts facts = call.session;
        String pauses = call.pausesText();
        writes.submit("session " + call.id, () -> repository.saveSession(call.id, facts, pauses, false));
    }

    /** A reloaded page re-attaches to its call with the token it was given. */
    public CallView resume(String callId, String resumeToken, CallParty party) {
        Call call = live.get(callId);
        if (call == null && cluster != null) {
            refuseForeignToken(resumeToken, callId);
        }
        if (call == null || resumeToken == null) {
            throw new CallException(CallErrorCode.INVALID_TOKEN, callId, "No live call to resume");
        }
        synchronized (call) {
            Call.Leg leg = matches(call.caller.resumeToken, resumeToken) ? call.caller
                    : matches(call.agentLeg.resumeToken, resumeToken) ? call.agentLeg : null;
            if (leg == null || call.state.isTerminal()) {
                throw new CallException(CallErrorCode.INVALID_TOKEN, callId, "Wrong or expired resume token");
            }
            if (!leg.owner.equals(party.owner())) {
                log.warn("Call {}: resume of the {} leg refused to another owner", call.id, leg.role.wireName());
                throw new CallException(CallErrorCode.INVALID_TOKEN, callId, "This leg belongs to another party");
            }
            if (leg.party != null && leg.party != party) {
                leg.party.replaced(call.id, leg.role);
                roster.free(leg.party, call.id, clock.millis());
            }
            if (leg.role == LegRole.AGENT && call.state == CallState.ANSWERED) {
                roster.busy(party, call.id);
            }
            leg.party = party;
            leg.generation++;
            party.legAssigned(call.id, leg.role, leg.resumeToken);
            CallView view = call.view();
            party.callChanged(view);
            if (call.state == CallState.ANSWERED) {
                offerMedia(call, leg);
            }
            log.info("Call {}: {} resumed", call.id, leg.role.wireName());
            return view;
        }
    }

    /**
     * A token of a call this node does not carry, which names a lost node (the call is over) or
     * another node not yet declared lost (the client asks again after the hint); else nothing is
     * thrown here, and the caller answers "invalid token".
     */
    private void refuseForeignToken(String token, String callId) {
        switch (cluster.tokenOf(token, callId)) {
            case LOST -> throw new CallException(CallErrorCode.SERVER_LOST, callId,
                    "The server that carried this call was lost; the call is over");
            case PENDING -> {
                long retryAfter = cluster.retryAfterMillis(token);
                throw new CallException(CallErrorCode.TRY_AGAIN, callId, "The server that carries this call is not"
                        + " answering; ask again in " + retryAfter + " ms", retryAfter);
            }
            default -> {
                // not this node's business: a wrong or expired token
            }
        }
    }

    /** A party's signaling channel closed: its call ends unless it resumes within the grace period. */
    public void partyDetached(CallParty party) {
        if (roster.remove(party)) {
            reofferSoon();
        }
        for (Call call : live.values()) {
            synchronized (call) {
                for (Call.Leg leg : new Call.Leg[] { call.caller, call.agentLeg }) {
                    if (leg.party == party) {
                        leg.party = null;
                        scheduleLoss(call, leg, ++leg.generation);
                    }
                }
            }
        }
    }

    /**
     * Whether the media socket of this token speaks Opus: its party agreed to when the token was
     * issued (a local console on its event socket, another node's console with its answer). False
     * for an unknown token (its socket is refused anyway) and for PCM.
     */
    public boolean mediaSpeaksOpus(String token) {
        MediaTicket ticket = token == null ? null : mediaTickets.get(token);
        return ticket != null && ticket.opus();
    }

    /** Admits a media channel by its token and attaches its outbound sink to the bridge. */
    public MediaAttachment attachMedia(String token, org.callvault.media.FrameSink sink) {
        MediaTicket ticket = token == null ? null : mediaTickets.get(token);
        if (ticket == null && cluster != null) {
            refuseForeignToken(token, null);
        }
        if (ticket == null) {
            throw new CallException(CallErrorCode.INVALID_TOKEN, null, "Unknown or expired media token");
        }
        Call call = ticket.call();
        synchronized (call) {
            Call.Leg leg = call.leg(ticket.role());
            if (call.state != CallState.ANSWERED || !token.equals(leg.mediaToken)) {
                throw new CallException(CallErrorCode.INVALID_TOKEN, call.id, "Media token no longer valid");
            }
            if (leg.mediaConnected) {
                throw new CallException(CallErrorCode.LEG_BUSY, call.id, "This leg already has a media channel");
            }
            leg.mediaConnected = true;
            leg.generation++;
            call.bridge.attach(leg.role.track(), sink);
            metrics.legJoined(call.source, leg.role);
            return new MediaAttachment(call.id, leg.role, call.bridge);
        }
    }

    /** A media channel closed; the call ends unless the leg reconnects within the grace period. */
    public void mediaDetached(MediaAttachment attachment, org.callvault.media.FrameSink sink) {
        Call call = live.get(attachment.callId());
        if (call == null) {
            return;
        }
        synchronized (call) {
            Call.Leg leg = call.leg(attachment.role());
            call.bridge.detach(leg.role.track(), sink);
            if (leg.mediaConnected && call.state == CallState.ANSWERED) {
                leg.mediaConnected = false;
                scheduleLoss(call, leg, ++leg.generation);
            }
        }
    }

    /**
     * Draining (SIGTERM): from now on new calls are refused with {@code server_draining}; live ones
     * (ringing ones too, which may still be answered) go on. Idempotent.
     */
    public void startDraining() {
        draining = true;
    }

    /** Waits until no call is live or {@code timeout} has passed; true when none is left. */
    public boolean awaitNoLiveCalls(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (callsGone) {
            // An ended call leaves live before its parties are told: wait for the telling too, or
            // the sockets would close under that last message.
            while (!live.isEmpty() || ending.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(callsGone, left);
            }
        }
        return true;
    }

    /**
     * Shutdown: refuses new calls and ends every live call with {@code server_shutdown}, telling both
     * parties and finalizing the recordings. Idempotent.
     */
    public void endAllForShutdown() {
        stopping = true;
        for (Call call : live.values()) {
            end(call, EndReason.SERVER_SHUTDOWN);
        }
    }

    /** Ends a live call for a reason of the server's: {@code ended} if answered, {@code failed} if ringing. */
    private void end(Call call, EndReason reason) {
        synchronized (call) {
            if (call.state == CallState.ANSWERED) {
                moveTo(call, CallState.ENDED, reason);
            }
            else if (call.state == CallState.RINGING) {
                moveTo(call, CallState.FAILED, reason);
            }
        }
    }

    /**
     * Fenced ({@link NodeFence}): the others declared this node lost and ended these calls of its for
     * their consoles; they end here too, with {@code server_lost}. Returns how many were still live.
     */
    int endLostCalls(java.util.Set<String> ids) {
        int ended = 0;
        for (String id : ids) {
            Call call = live.get(id);
            if (call != null) {
                end(call, EndReason.SERVER_LOST);
                ended++;
            }
        }
        return ended;
    }

    /**
     * Readiness while fenced: refused (the balancer takes this node out and its phones reconnect to a
     * node the others still count), accepted again once the link is back, unless the node is draining
     * or stopping meanwhile, when Spring Boot's refusal stands.
     */
    private void fencedReadiness(ApplicationEventPublisher events, boolean ready) {
        if (ready && (draining || stopping)) {
            return;
        }
        AvailabilityChangeEvent.publish(events, this, ready
                ? ReadinessState.ACCEPTING_TRAFFIC
                : ReadinessState.REFUSING_TRAFFIC);
    }

    /** The last resort if the server stops without the transports' shutdown having run. */
    @PreDestroy
    void endAll() {
        endAllForShutdown();
        timers.shutdownNow();
        if (cluster != null) {
            cluster.close();
        }
    }

    private void ringTimedOut(Call call) {
        synchronized (call) {
            if (call.state == CallState.RINGING) {
                moveTo(call, CallState.MISSED, EndReason.RING_TIMEOUT);
            }
        }
    }

    /** Longest-idle: after ring-each, the call moves on unless it was answered or moved already. */
    private void scheduleMoveOn(Call call, Ringing.Change change) {
        if (!change.newTarget()) {
            return;
        }
        long turn = ++call.ringTurn;
        timers.schedule(() -> {
            synchronized (call) {
                if (call.state != CallState.RINGING || call.ringTurn != turn) {
                    return;
                }
                ringing.moveOn(call, clock.millis());
                apply(call, ringing.update(call, clock.millis()));
            }
        }, ringEach.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Tells the consoles that start or stop ringing for this call. Under the call's monitor. */
    private void apply(Call call, Ringing.Change change) {
        if (!change.removed().isEmpty()) {
            for (CallObserver observer : observers) {
                observer.offerWithdrawn(call.id, change.removed());
            }
        }
        if (!change.added().isEmpty()) {
            CallView view = call.view();
            for (CallObserver observer : observers) {
                observer.callOffered(view, change.added());
            }
        }
        scheduleMoveOn(call, change);
    }

    /**
     * The roster changed (a console came, went, got busy, free, away or back): every ringing call
     * works out again who it rings at. On the timer thread, never under a call's monitor, since it
     * takes each ringing call's monitor in turn.
     */
    private void reofferSoon() {
        if (!stopping) {
            timers.execute(() -> {
                for (Call call : live.values()) {
                    synchronized (call) {
                        if (call.state == CallState.RINGING && !call.recordedOnly) {
                            apply(call, ringing.update(call, clock.millis()));
                        }
                    }
                }
            });
        }
    }

    // ---- several nodes (CallCluster): on the cluster's thread

    /** Delivers another node's call event to this node's consoles (not back to the cluster). */
    void tellLocalObservers(java.util.function.Consumer<CallObserver> event) {
        for (CallObserver observer : observers) {
            if (observer != cluster) {
                event.accept(observer);
            }
        }
    }

    /** Another node's console said its status: it rings here when available. */
    void remotePresence(RemoteConsole console, AgentStatus status) {
        roster.update(console, console.user, status, clock.millis());
        reofferSoon();
    }

    /** Another node's console cannot be reached (Redis lost, or its node restarted): it stops ringing here. */
    void remoteConsoleUnreachable(RemoteConsole console) {
        if (roster.remove(console)) {
            reofferSoon();
        }
    }

    /** This node's console took the agent's leg of another node's call: busy here too. */
    void remoteLegTaken(CallParty console, String callId) {
        roster.busy(console, callId);
        reofferSoon();
    }

    /** Another node's call ended: this node's console that held it is free again. */
    void remoteCallEnded(String callId) {
        if (roster.freeAll(callId, clock.millis())) {
            reofferSoon();
        }
    }

    /** Under longest-idle a call rings at one agent, and only that agent may take or turn it down. */
    private void requireRingingAt(Call call, CallParty console) {
        if (ringing.longestIdle() && !call.ringingAt.contains(console)) {
            throw new CallException(CallErrorCode.FORBIDDEN, call.id, "This call is ringing at another agent");
        }
    }

    private void scheduleLoss(Call call, Call.Leg leg, long generation) {
        timers.schedule(() -> {
            synchronized (call) {
                if (leg.generation != generation || call.state.isTerminal()) {
                    return; // it came back, or the call ended some other way
                }
                EndReason reason = leg.role == LegRole.CALLER ? EndReason.CALLER_LOST : EndReason.AGENT_LOST;
                moveTo(call, call.state == CallState.RINGING ? CallState.FAILED : CallState.ENDED, reason);
            }
        }, gracePeriod.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The one place a call changes state: release media, finalize recording, queue the row, broadcast. */
    private CallView moveTo(Call call, CallState target, EndReason reason) {
        if (!call.state.canMoveTo(target)) {
            throw new IllegalStateException("Illegal transition " + call.state + " -> " + target);
        }
        if (call.state == CallState.RINGING) {
            ringingCount.decrementAndGet(); // every way out of RINGING passes here
            Ringing.close(call, target, clock.millis());
        }
        call.state = target;
        if (target.isTerminal()) {
            long endNanos = System.nanoTime();
            call.endReason = reason;
            // The answered duration follows the server's monotonic clock, the same one the recorder uses.
            call.endedAt = call.answeredAt != null ? call.answeredAt.plusNanos(endNanos - call.answeredNanos)
                    : clock.instant();
            if (call.bridge != null) {
                call.bridge.close();
            }
            if (call.recording != null) {
                call.recording.finish(endNanos);
            }
            mediaTickets.values().removeIf(ticket -> ticket.call() == call);
            ending.incrementAndGet();
            live.remove(call.id);
            metrics.ended(call.source, target);
            if (call.agentLeg.party != null && roster.free(call.agentLeg.party, call.id, clock.millis())) {
                reofferSoon();
            }
            if (!call.offers.isEmpty()) {
                List<RingOffer> offers = List.copyOf(call.offers);
                writes.submit(null, () -> repository.saveOffers(call.id, offers));
            }
            try {
                return publishUpdate(call);
            }
            finally {
                ending.decrementAndGet();
                synchronized (callsGone) {
                    callsGone.notifyAll();
                }
            }
        }
        return publishUpdate(call);
    }

    private void publish(Call call, CallView view) {
        if (call.recordedOnly) {
            return; // nobody's console: the library shows it
        }
        // Agents' consoles observe every call (the answering agent included); the caller hears of its own.
        CallParty caller = call.caller.party;
        if (caller != null) {
            caller.callChanged(view);
        }
        if (view.state() == CallState.RINGING) {
            // Only the consoles it rings at hear of a ringing call (an Away or busy agent's do not).
            List<CallParty> consoles = List.copyOf(call.ringingAt);
            for (CallObserver observer : observers) {
                observer.callOffered(view, consoles);
            }
            return;
        }
        for (CallObserver observer : observers) {
            observer.callChanged(view);
        }
    }

    private void offerMedia(Call call, Call.Leg leg) {
        if (leg.mediaToken != null) {
            mediaTickets.remove(leg.mediaToken);
        }
        // Several nodes: the token names this node, so the balancer routes the media socket here.
        leg.mediaToken = legToken();
        // What its socket will speak, fixed now: the party's agreement (on its event socket, here or
        // on its own node, which said it with its answer), whichever node that socket is on.
        mediaTickets.put(leg.mediaToken, new MediaTicket(call, leg.role, leg.party != null && leg.party.speaksOpus()));
        if (leg.party != null) {
            leg.party.mediaReady(call.id, leg.role, leg.mediaToken);
        }
    }

    private Call find(String callId) {
        Call call = callId == null ? null : live.get(callId);
        if (call == null) {
            // Only to say "ended already" rather than "no such call": not worth a wait on a dead database.
            String stored = callId == null || !database.isUp() ? null : repository.state(callId);
            if (stored != null) {
                throw new CallException(CallErrorCode.INVALID_STATE, callId,
                        "Call " + callId + " is " + stored.toLowerCase() + " already");
            }
            throw new CallException(CallErrorCode.NOT_FOUND, callId, "No call " + callId);
        }
        return call;
    }

    private static void requireMove(Call call, CallState target, String verb) {
        if (!call.state.canMoveTo(target)) {
            throw new CallException(CallErrorCode.INVALID_STATE, call.id,
                    "Call " + call.id + " is " + call.state.wireName() + ", it cannot be " + verb);
        }
    }

    private CallView snapshot(Call call) {
        synchronized (call) {
            return call.view();
        }
    }

    /**
     * A resume or media token. Several nodes: it starts with this node's id and a dot, so that the
     * balancer routes a media socket here and another node can tell a token of a lost node's call.
     */
    private String legToken() {
        return cluster == null ? newToken() : cluster.nodeToken(newToken());
    }

    /** The node that carries this node's calls, stored with each; null on one node. */
    private String homeNode() {
        return cluster == null ? null : cluster.nodeId();
    }

    private String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static boolean matches(String expected, String given) {
        return expected != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private record MediaTicket(Call call, LegRole role, boolean opus) {
    }

}
