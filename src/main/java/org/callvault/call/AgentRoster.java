package org.callvault.call;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The open agent consoles and whether each may ring. A console is Available unless its agent set it
 * Away, and Busy while it holds an answered call; only Available consoles ring. The unit is the
 * console, not the user: the load tool opens hundreds of consoles as one user, each taking its own
 * call, and one tab set Away must not silence another tab the agent left Available. Idle time is kept
 * per user (longest-idle rings a person, on all of that person's available consoles).
 *
 * <p>Its own monitor only; callers may hold a call's monitor when they ask (call, then roster:
 * never the other way round).
 */
final class AgentRoster {

    private static final class Console {
        final String user;
        boolean away;
        String busyWith;

        Console(String user) {
            this.user = user;
        }
    }

    /**
     * Hears each console's status change (null: closed), under the roster's monitor: it must only
     * queue (several nodes publish the console's presence, {@link CallCluster}).
     */
    interface Listener {
        void changed(CallParty console, String user, AgentStatus status);
    }

    private static final Listener NOBODY = (console, user, status) -> {
    };

    private final Map<CallParty, Console> consoles = new IdentityHashMap<>();
    private Listener listener = NOBODY;
    /** Per user: when the agent last became free (connected, came back, or finished a call), epoch ms. */
    private final Map<String, Long> idleSince = new HashMap<>();

    synchronized void listen(Listener listener) {
        this.listener = listener;
    }

    synchronized void add(CallParty console, String user, long nowMs) {
        consoles.put(console, new Console(user));
        idleSince.putIfAbsent(user, nowMs);
        listener.changed(console, user, AgentStatus.AVAILABLE);
    }

    /**
     * A console of another node said its status: added if new. Its own node decides when it is busy
     * or away; this node only keeps the busy mark it set itself on answering (until the call ends).
     */
    synchronized void update(CallParty console, String user, AgentStatus status, long nowMs) {
        Console c = consoles.computeIfAbsent(console, k -> new Console(user));
        idleSince.putIfAbsent(user, nowMs);
        if (c.away && status != AgentStatus.AWAY) {
            idleSince.put(user, nowMs);
        }
        c.away = status == AgentStatus.AWAY;
        if (status == AgentStatus.BUSY && c.busyWith == null) {
            c.busyWith = ""; // busy with a call of another node
        }
        else if (status != AgentStatus.BUSY && "".equals(c.busyWith)) {
            c.busyWith = null;
        }
    }

    /** The consoles busy with {@code callId} (a call of another node that ended) are free again. */
    synchronized boolean freeAll(String callId, long nowMs) {
        boolean any = false;
        for (Map.Entry<CallParty, Console> entry : consoles.entrySet()) {
            if (callId.equals(entry.getValue().busyWith)) {
                free(entry.getKey(), callId, nowMs);
                any = true;
            }
        }
        return any;
    }

    /** Each console with its user and status, for a node that asks for them all. */
    synchronized void forEach(Listener visitor) {
        consoles.forEach((party, c) -> visitor.changed(party, c.user, status(c)));
    }

    /** True when it was a registered console. */
    synchronized boolean remove(CallParty console) {
        Console removed = consoles.remove(console);
        if (removed != null) {
            listener.changed(console, removed.user, null);
        }
        if (removed != null && consoles.values().stream().noneMatch(c -> c.user.equals(removed.user))) {
            idleSince.remove(removed.user);
        }
        return removed != null;
    }

    /** Returns the console's status after the change, or null for a party that is not a console. */
    synchronized AgentStatus setAway(CallParty console, boolean away, long nowMs) {
        Console c = consoles.get(console);
        if (c == null) {
            return null;
        }
        if (c.away && !away) {
            idleSince.put(c.user, nowMs); // back from a break: idle from now, not from before it
        }
        c.away = away;
        listener.changed(console, c.user, status(c));
        return status(c);
    }

    synchronized AgentStatus status(CallParty console) {
        Console c = consoles.get(console);
        return c == null ? null : status(c);
    }

    synchronized void busy(CallParty console, String callId) {
        Console c = consoles.get(console);
        if (c != null) {
            c.busyWith = callId;
            listener.changed(console, c.user, AgentStatus.BUSY);
        }
    }

    /** The console finished {@code callId} (or gave its leg to another console); true when it was busy with it. */
    synchronized boolean free(CallParty console, String callId, long nowMs) {
        Console c = consoles.get(console);
        if (c == null || !callId.equals(c.busyWith)) {
            return false;
        }
        c.busyWith = null;
        idleSince.put(c.user, nowMs);
        listener.changed(console, c.user, status(c));
        return true;
    }

    synchronized boolean anyAvailable() {
        return consoles.values().stream().anyMatch(c -> status(c) == AgentStatus.AVAILABLE);
    }

    /** Available consoles by user, in no particular order. */
    synchronized Map<String, List<CallParty>> availableByUser() {
        Map<String, List<CallParty>> byUser = new LinkedHashMap<>();
        consoles.forEach((party, c) -> {
            if (status(c) == AgentStatus.AVAILABLE) {
                byUser.computeIfAbsent(c.user, u -> new ArrayList<>()).add(party);
            }
        });
        return byUser;
    }

    /** Of {@code candidates}, the user idle longest and not in {@code skip}; ties go to the smaller name. */
    synchronized String longestIdle(Set<String> candidates, Set<String> skip) {
        String best = null;
        long bestSince = Long.MAX_VALUE;
        for (String user : candidates) {
            long since = idleSince.getOrDefault(user, Long.MAX_VALUE);
            if (!skip.contains(user) && (best == null || since < bestSince || since == bestSince && user.compareTo(best) < 0)) {
                best = user;
                bestSince = since;
            }
        }
        return best;
    }

    synchronized String userOf(CallParty console) {
        Console c = consoles.get(console);
        return c == null ? null : c.user;
    }

    private static AgentStatus status(Console c) {
        return c.busyWith != null ? AgentStatus.BUSY : c.away ? AgentStatus.AWAY : AgentStatus.AVAILABLE;
    }
}
