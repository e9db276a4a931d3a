package org.callvault.call;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's part in live calls across nodes (docs/ARCHITECTURE.md, "Live calls across nodes").
 * A call lives on the node its caller reached (its <em>home</em>): ringing, the first answer, the
 * timers, the bridge and the recording stay there, under the call's monitor, as on one node. Other
 * nodes' consoles are {@link RemoteConsole}s in the home node's roster (learnt from their
 * {@code presence}), so both ringing strategies work unchanged; a console's answer, decline or
 * hang-up of another node's call is sent to the call's home and decided there. A node that falls
 * silent ({@link NodeLiveness}) is lost: its consoles and calls are dropped here ({@link #nodeLost}).
 */
final class CallCluster implements CallObserver, ClusterEvents.Listener, AgentRoster.Listener {

    private static final Logger log = LoggerFactory.getLogger(CallCluster.class);
    /** Calls of other nodes this node has heard of and not yet heard end: a bound, not a working size. */
    private static final int MAX_REMOTE_CALLS = 100_000;
    /** Other nodes' consoles kept: far above a real site (the load tool opens hundreds). */
    private static final int MAX_REMOTE_CONSOLES = 50_000;

    private final ClusterEvents events;
    private final String me;
    private final CallService calls;
    private final AgentRoster roster;
    /** This node's consoles and their ids on the channel. */
    private final Map<CallParty, String> localIds = new IdentityHashMap<>();
    private final Map<String, CallParty> localById = new ConcurrentHashMap<>();
    /** Other nodes' consoles, by node and console id. */
    private final Map<String, RemoteConsole> remote = new ConcurrentHashMap<>();
    /** Calls of other nodes (ringing or answered), by id: their home node and how they were last seen. */
    private final Map<String, RemoteCall> remoteCalls = new ConcurrentHashMap<>();
    private final NodeLiveness liveness;
    private final Clock clock;
    /**
     * This node's live calls as last told to the others, by id. Updated and published under
     * {@link #published}, as is a snapshot of it: so a snapshot reaches the channel after every change
     * it holds and before every change it misses, and a receiver that reads the channel in order never
     * takes an older picture for a newer one.
     */
    private final Map<String, CallView> localCalls = new java.util.HashMap<>();
    private final Object published = new Object();
    /** Snapshots being received, by node: their parts so far (a part lost with the link is dropped with it). */
    private final Map<String, List<CallView>> incoming = new java.util.HashMap<>();
    /** The link dropped: the next snapshot resynchronises the consoles even if it changes nothing here. */
    private volatile boolean resyncDue;
    /** Declared lost by the others while the link is down: this node then ends what they ended. */
    private final NodeFence fence;
    /** While the link is down: this node's calls live when it dropped, the ones the others know of. */
    private volatile java.util.Set<String> liveAtCut;

    CallCluster(ClusterEvents events, CallService calls, AgentRoster roster, Clock clock, Duration nodeLostAfter,
            LostNodes lostNodes, java.util.function.Consumer<Boolean> readiness) {
        this.events = events;
        this.me = events.nodeId();
        this.calls = calls;
        this.roster = roster;
        this.clock = clock;
        this.fence = new NodeFence(lostNodes, me, this::incarnation, this::fenced, readiness);
        events.subscribe(this);
        roster.listen(this);
        this.liveness = new NodeLiveness(events, clock, nodeLostAfter, this::nodeLost);
        events.publish(ClusterMessage.hello(me, liveness.incarnation()));
        publishSnapshot(); // none yet: the others drop what they still show of this node's previous life
        liveness.start();
    }

    /** A call of another node as last heard of. */
    private record RemoteCall(String home, CallView view) {
    }

    String nodeId() {
        return me;
    }

    /** This process's incarnation ({@link NodeLiveness}, made after the fence that reads it). */
    private String incarnation() {
        return liveness.incarnation();
    }

    // ---- this node's consoles and calls, told to the others

    @Override
    public void changed(CallParty console, String user, AgentStatus status) {
        if (console instanceof RemoteConsole) {
            return; // its own node speaks for it
        }
        String id;
        synchronized (localIds) {
            id = status == null ? localIds.remove(console) : localIds.computeIfAbsent(console, c -> UUID.randomUUID().toString());
        }
        if (id == null) {
            return;
        }
        if (status == null) {
            localById.remove(id);
        }
        else {
            localById.put(id, console);
        }
        events.publish(ClusterMessage.presence(me, id, user, status == null ? "gone" : status.wireName()));
    }

    /**
     * A ringing call's first offer goes to the channel even when it rings at no other node's console:
     * every node then knows it, to list it in the welcome of a console that connects there meanwhile.
     */
    @Override
    public void callOffered(CallView call, List<CallParty> consoles) {
        List<String> ids = remoteIds(consoles);
        synchronized (published) {
            boolean first = localCalls.put(call.id(), call) == null;
            if (first || !ids.isEmpty()) {
                events.publish(ClusterMessage.offer(me, call, ids));
            }
        }
    }

    @Override
    public void offerWithdrawn(String callId, List<CallParty> consoles) {
        List<String> ids = remoteIds(consoles);
        if (!ids.isEmpty()) {
            events.publish(ClusterMessage.withdraw(me, callId, ids));
        }
    }

    @Override
    public void callChanged(CallView call) {
        synchronized (published) {
            if (call.state().isTerminal()) {
                localCalls.remove(call.id());
            }
            else {
                localCalls.put(call.id(), call);
            }
            events.publish(ClusterMessage.changed(me, call));
        }
    }

    /** All of this node's live calls, in parts, for nodes that may have missed some of their changes. */
    private void publishSnapshot() {
        synchronized (published) {
            List<CallView> all = List.copyOf(localCalls.values());
            int parts = Math.max(1, (all.size() + ClusterMessage.MAX_SNAPSHOT_CALLS - 1) / ClusterMessage.MAX_SNAPSHOT_CALLS);
            for (int part = 0; part < parts; part++) {
                String kind = parts == 1 ? "whole" : part == 0 ? "first" : part == parts - 1 ? "last" : "more";
                List<CallView> slice = all.subList(part * ClusterMessage.MAX_SNAPSHOT_CALLS,
                        Math.min(all.size(), (part + 1) * ClusterMessage.MAX_SNAPSHOT_CALLS));
                events.publish(ClusterMessage.calls(me, kind, slice));
            }
        }
    }

    private static List<String> remoteIds(List<CallParty> consoles) {
        List<String> ids = new ArrayList<>();
        for (CallParty party : consoles) {
            if (party instanceof RemoteConsole console) {
                ids.add(console.id);
            }
        }
        return ids;
    }

    /**
     * A command of this node's console for a call of another node: sent to the call's home, which
     * answers with the usual messages (or a {@code refused}). False when the call is not known to be
     * elsewhere (then it is handled here, which says "no such call" or "ended already").
     */
    boolean forward(String action, String callId, CallParty party, String user) {
        if (callId == null || party == null || user == null || party instanceof RemoteConsole) {
            return false;
        }
        RemoteCall known = remoteCalls.get(callId);
        String home = known == null ? null : known.home();
        String console;
        synchronized (localIds) {
            console = localIds.get(party);
        }
        if (home == null || console == null) {
            return false;
        }
        // An answer says what the console's media socket will speak: that socket goes to the call's node.
        String codec = "answer".equals(action) ? (party.speaksOpus() ? "opus" : "pcm") : null;
        events.publish(ClusterMessage.command(me, home, action, callId, console, user, codec));
        return true;
    }

    // ---- the other nodes' messages

    @Override
    public void received(ClusterMessage message) {
        switch (message.type()) {
            case "hello" -> hello(message.from());
            case "presence" -> presence(message);
            case "offer" -> {
                remember(message.call(), message.from());
                List<CallParty> local = local(message.consoles());
                if (!local.isEmpty()) {
                    calls.tellLocalObservers(observer -> observer.callOffered(message.call(), local));
                }
            }
            case "withdraw" -> {
                List<CallParty> local = local(message.consoles());
                if (!local.isEmpty()) {
                    calls.tellLocalObservers(observer -> observer.offerWithdrawn(message.callId(), local));
                }
            }
            case "changed" -> {
                if (message.call().state().isTerminal()) {
                    remoteCalls.remove(message.callId());
                    calls.remoteCallEnded(message.callId());
                }
                else {
                    remember(message.call(), message.from());
                }
                calls.tellLocalObservers(observer -> observer.callChanged(message.call()));
            }
            case "command" -> command(message);
            case "calls" -> snapshotPart(message);
            case "party" -> party(message);
            case "refused" -> {
                CallParty console = localById.get(message.console());
                if (console != null) {
                    console.refused(message.action(), message.callId(), message.code(), message.text());
                }
            }
            default -> {
                // signout and future types: other listeners' business
            }
        }
    }

    private void remember(CallView call, String home) {
        if (remoteCalls.size() < MAX_REMOTE_CALLS || remoteCalls.containsKey(call.id())) {
            remoteCalls.put(call.id(), new RemoteCall(home, call));
        }
        else {
            log.warn("Cluster: {} calls of other nodes known; call {} not remembered", MAX_REMOTE_CALLS, call.id());
        }
    }

    /**
     * Other nodes' live calls a console may see (docs/ARCHITECTURE.md, "Live calls across nodes"): every
     * answered one, and the ringing ones too if {@code ringing} (ring-all, to an available console).
     * Never a call of a node declared lost.
     */
    List<CallView> remoteCalls(boolean ringing) {
        List<CallView> shown = new ArrayList<>();
        for (RemoteCall call : remoteCalls.values()) {
            if (!liveness.wasLost(call.home()) && (ringing || call.view().state() != CallState.RINGING)) {
                shown.add(call.view());
            }
        }
        return shown;
    }

    private void snapshotPart(ClusterMessage message) {
        String node = message.from();
        if ("whole".equals(message.kind()) || "first".equals(message.kind())) {
            incoming.put(node, new ArrayList<>());
        }
        List<CallView> parts = incoming.get(node);
        if (parts == null) {
            return; // its first part was lost with the link: the next snapshot is whole again
        }
        if (parts.size() + message.calls().size() > MAX_REMOTE_CALLS) {
            log.warn("Cluster: a snapshot of node {} holds over {} calls; dropped", node, MAX_REMOTE_CALLS);
            incoming.remove(node);
            return;
        }
        parts.addAll(message.calls());
        if ("whole".equals(message.kind()) || "last".equals(message.kind())) {
            incoming.remove(node);
            snapshot(node, parts);
        }
    }

    /**
     * Node {@code node}'s live calls, all of them: what this node knew of them is replaced. A call it
     * no longer lists ended unheard (Redis was down, or the node restarted): a console here that held
     * it is free again. If anything changed, or the link had dropped, this node's consoles are sent
     * a fresh list.
     */
    private void snapshot(String node, List<CallView> views) {
        boolean changed = false;
        java.util.Set<String> listed = new java.util.HashSet<>();
        for (CallView view : views) {
            if (view.state().isTerminal()) {
                continue;
            }
            listed.add(view.id());
            RemoteCall known = remoteCalls.get(view.id());
            if (known == null || !known.home().equals(node) || !known.view().equals(view)) {
                remember(view, node);
                changed = true;
            }
        }
        for (Map.Entry<String, RemoteCall> entry : remoteCalls.entrySet()) {
            if (entry.getValue().home().equals(node) && !listed.contains(entry.getKey())
                    && remoteCalls.remove(entry.getKey(), entry.getValue())) {
                calls.remoteCallEnded(entry.getKey());
                changed = true;
            }
        }
        if (changed || resyncDue) {
            resyncDue = false;
            log.info("Cluster: node {} lists {} live calls; this node's consoles get a fresh list", node, listed.size());
            calls.tellLocalObservers(CallObserver::callsResynchronised);
        }
    }

    // ---- a node lost (NodeLiveness): on the liveness thread

    /**
     * Node {@code node} has not been heard for the lost-after period: it is taken as dead (killed,
     * crashed, cut off). Its consoles are gone for this node's calls (a leg one of them held ends
     * after the grace period, as for any console that goes), and its calls end for this node's
     * consoles with {@link EndReason#SERVER_LOST}: nobody will ever say they ended. Their rows and
     * recordings are closed by that node itself when it starts again (CrashRecovery).
     */
    void nodeLost(String node) {
        if (liveness.wasLost(node)) { // by silence, not a restart: it may be alive, cut off, and must hear it
            fence.declared(node, liveness.lastIncarnationOf(node));
        }
        dropNode(node);
    }

    /** What {@link #nodeLost} does here: {@code node}'s consoles dropped, its calls ended for this node's consoles. */
    private void dropNode(String node) {
        List<String> consoles = remote.keySet().stream().filter(key -> key.startsWith(node + "/")).toList();
        for (String key : consoles) {
            RemoteConsole console = remote.remove(key);
            if (console != null) {
                calls.partyDetached(console);
            }
        }
        int ended = 0;
        for (Map.Entry<String, RemoteCall> entry : remoteCalls.entrySet()) {
            RemoteCall call = entry.getValue();
            if (call.home().equals(node) && remoteCalls.remove(entry.getKey(), call)) {
                CallView lost = endedByLoss(call.view());
                calls.remoteCallEnded(lost.id());
                calls.tellLocalObservers(observer -> observer.callChanged(lost));
                ended++;
            }
        }
        log.warn("Cluster: node {} lost: {} of its consoles dropped, {} of its calls ended here", node,
                consoles.size(), ended);
    }

    /**
     * This node, cut off, was declared lost by the others ({@link NodeFence}): it does here what they did,
     * so that the cluster agrees on which calls exist. Its calls that were live when the link dropped,
     * which the others knew of and ended for their consoles, end with {@code server_lost} for its own
     * consoles and phones; calls begun since go on, as nobody else ever heard of them (and they can hold
     * no other node's console, as those left the roster with the link). The other nodes are lost to it in
     * turn: their consoles dropped, their calls ended for this node's consoles, until each is heard again.
     */
    private void fenced() {
        java.util.Set<String> known = liveAtCut;
        int ended = known == null ? 0 : calls.endLostCalls(known);
        java.util.Set<String> others = new java.util.HashSet<>(liveness.declareAllLost());
        remoteCalls.values().forEach(call -> others.add(call.home()));
        remote.values().forEach(console -> others.add(console.node));
        for (String node : others) {
            dropNode(node);
        }
        log.warn("Cluster: fenced: {} of this node's calls ended server_lost, {} other nodes taken as lost", ended,
                others.size());
    }

    private CallView endedByLoss(CallView call) {
        java.time.Instant now = clock.instant();
        boolean answered = call.state() == CallState.ANSWERED;
        return new CallView(call.id(), answered ? CallState.ENDED : CallState.FAILED, call.callerName(),
                call.callerNumber(), call.agent(), call.createdAt(), call.answeredAt(), now, EndReason.SERVER_LOST,
                answered && call.answeredAt() != null ? now.toEpochMilli() - call.answeredAt().toEpochMilli() : null,
                call.recordingId(), call.source(), call.held(), call.dtmf());
    }

    /** What this node can tell of a token for a call it does not carry ({@link #tokenOf}). */
    enum ForeignToken {
        /** Issued by a node declared lost, or by a previous process of a node (this one included): the call is over. */
        LOST,
        /** Issued by another node still taken as alive, for a call it carries as far as this node knows: ask again later. */
        PENDING,
        /** Nothing known: a wrong or expired token. */
        UNKNOWN
    }

    /**
     * What a token (a resume token, or a media token when {@code callId} is null) says about its call,
     * for a call this node does not carry. Tokens start with their node's id and its process's
     * incarnation ({@link #nodeToken}), so this node can tell a call lost with its node (declared lost
     * after silence, or restarted since: {@code server_lost}) from one whose node may just not be
     * declared lost yet (the client is told to try again) and from a wrong token.
     */
    ForeignToken tokenOf(String token, String callId) {
        String[] parts = token == null ? new String[0] : token.split("\\.", 3);
        if (parts.length < 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            return ForeignToken.UNKNOWN;
        }
        String node = parts[0];
        String incarnation = parts[1];
        if (node.equals(me)) {
            return incarnation.equals(liveness.incarnation()) ? ForeignToken.UNKNOWN : ForeignToken.LOST;
        }
        if (liveness.wasLost(node)) {
            return ForeignToken.LOST;
        }
        String current = liveness.incarnationOf(node);
        if (current == null) {
            return ForeignToken.UNKNOWN;
        }
        if (!current.equals(incarnation)) {
            return liveness.wasIncarnationOf(node, incarnation) ? ForeignToken.LOST : ForeignToken.UNKNOWN;
        }
        if (callId == null) {
            return ForeignToken.PENDING;
        }
        RemoteCall known = remoteCalls.get(callId);
        return known != null && known.home().equals(node) ? ForeignToken.PENDING : ForeignToken.UNKNOWN;
    }

    /** For a {@link ForeignToken#PENDING} token: when to ask again, in ms (the node is declared lost by then, or heard). */
    long retryAfterMillis(String token) {
        int dot = token == null ? -1 : token.indexOf('.');
        return dot > 0 ? liveness.millisUntilLost(token.substring(0, dot)) : 0;
    }

    /**
     * Tokens this node issues start with its id and its process's incarnation, so that any node can
     * tell whose they are, and whether that process still runs.
     */
    String nodeToken(String token) {
        return me + "." + liveness.incarnation() + "." + token;
    }

    void close() {
        liveness.close();
        fence.close();
    }

    /** A node came up or back: what it said before may be stale; it hears all our consoles and calls again. */
    private void hello(String node) {
        forgetConsolesOf(node);
        announceAll();
        publishSnapshot();
    }

    private void announceAll() {
        roster.forEach((console, user, status) -> {
            if (!(console instanceof RemoteConsole)) {
                changed(console, user, status);
            }
        });
    }

    private void forgetConsolesOf(String node) {
        List<RemoteConsole> stale = remote.values().stream().filter(c -> node == null || c.node.equals(node)).toList();
        for (RemoteConsole console : stale) {
            // Out of the ringing roster; a leg it holds stays (its media goes on) until its node says it is gone.
            calls.remoteConsoleUnreachable(console);
        }
    }

    private void presence(ClusterMessage message) {
        String key = message.from() + "/" + message.console();
        if ("gone".equals(message.status())) {
            RemoteConsole console = remote.remove(key);
            if (console != null) {
                calls.partyDetached(console);
            }
            return;
        }
        if (remote.size() >= MAX_REMOTE_CONSOLES && !remote.containsKey(key)) {
            log.warn("Cluster: {} consoles of other nodes known; console {} of node {} not added", MAX_REMOTE_CONSOLES,
                    message.console(), message.from());
            return;
        }
        RemoteConsole console = remote.computeIfAbsent(key,
                k -> new RemoteConsole(message.from(), message.console(), message.user(), events));
        if (!console.user.equals(message.user())) {
            log.warn("Cluster: console {} of node {} changed user; ignored", message.console(), message.from());
            return;
        }
        calls.remotePresence(console, AgentStatus.valueOf(message.status().toUpperCase(java.util.Locale.ROOT)));
    }

    private void command(ClusterMessage message) {
        RemoteConsole console = remote.get(message.from() + "/" + message.console());
        if (console == null || !console.user.equals(message.user())) {
            events.publish(ClusterMessage.refused(me, message.from(), message.console(), message.action(),
                    message.callId(), CallErrorCode.FORBIDDEN.wireName(), "This console is not known to the call's node"));
            return;
        }
        try {
            switch (message.action()) {
                case "answer" -> {
                    console.speaksOpus(agreedOpus(message));
                    calls.answer(message.callId(), console, console.user);
                }
                case "decline" -> calls.decline(message.callId(), console, console.user);
                default -> calls.hangup(message.callId(), console, console.user);
            }
        }
        catch (CallException e) {
            events.publish(ClusterMessage.refused(me, message.from(), message.console(), message.action(),
                    message.callId(), e.code().wireName(), e.getMessage()));
        }
    }

    /**
     * Whether an answering console of another node speaks Opus on its media socket, as its node says
     * ({@link ClusterMessage#codec()}, checked on receipt: a name other than {@code pcm} or {@code opus}
     * drops the message). A node older than that field names none: PCM, as that node's consoles
     * were then taken to speak, and logged, since an Opus console of such a node is not understood.
     */
    private static boolean agreedOpus(ClusterMessage answer) {
        if (answer.codec() == null) {
            log.warn("Cluster: node {} answers call {} without naming its console's codec (an older node?); its media"
                    + " socket is taken to speak PCM", answer.from(), answer.callId());
            return false;
        }
        return "opus".equals(answer.codec());
    }

    private void party(ClusterMessage message) {
        CallParty console = localById.get(message.console());
        if (console == null) {
            return; // closed meanwhile: the call's node hears it is gone
        }
        LegRole role = message.role() == null ? null : LegRole.valueOf(message.role().toUpperCase(java.util.Locale.ROOT));
        switch (message.kind()) {
            case "leg" -> {
                console.legAssigned(message.callId(), role, message.token());
                if (role == LegRole.AGENT) {
                    calls.remoteLegTaken(console, message.callId());
                }
            }
            case "media" -> console.mediaReady(message.callId(), role, message.token());
            case "call" -> console.callChanged(message.call());
            default -> console.replaced(message.callId(), role);
        }
    }

    private List<CallParty> local(List<String> ids) {
        List<CallParty> parties = new ArrayList<>();
        for (String id : ids) {
            CallParty party = localById.get(id);
            if (party != null) {
                parties.add(party);
            }
        }
        return parties;
    }

    @Override
    public void disconnected() {
        if (liveAtCut == null) { // the first drop only: a failed reconnect is no new cut
            synchronized (published) {
                liveAtCut = java.util.Set.copyOf(localCalls.keySet());
            }
        }
        fence.linkDown();
        resyncDue = true;
        incoming.clear();
        forgetConsolesOf(null);
    }

    /**
     * The link is back: whatever was published meanwhile, by any node, was lost. The others answer
     * this node's {@code hello} with their consoles and calls; this node's snapshot, sent at once,
     * puts its calls right on the nodes whose link was never down or came back first.
     */
    @Override
    public void connected() {
        liveAtCut = null;
        fence.linkUp();
        events.publish(ClusterMessage.hello(me, liveness.incarnation()));
        announceAll();
        publishSnapshot();
    }
}
