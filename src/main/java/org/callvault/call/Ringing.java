package org.callvault.call;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which consoles a ringing call rings at, by the configured strategy: {@code ring-all} rings every
 * available console; {@code longest-idle} rings the consoles of one available agent, the one idle
 * longest, and {@link #moveOn} passes the call to the next after the ring-each time (once every
 * available agent had it, the round starts again). Keeps each agent's {@link RingOffer}. Every method
 * runs under the call's monitor.
 */
final class Ringing {

    /** What changed at one call: consoles to ring now, consoles to stop ringing, and a new longest-idle target. */
    record Change(List<CallParty> added, List<CallParty> removed, boolean newTarget) {
    }

    private final AgentRoster roster;
    private final boolean longestIdle;

    Ringing(AgentRoster roster, boolean longestIdle) {
        this.roster = roster;
        this.longestIdle = longestIdle;
    }

    boolean longestIdle() {
        return longestIdle;
    }

    /** Works out who rings now (the roster may have changed) and records the offers that began or ended. */
    Change update(Call call, long nowMs) {
        Map<String, List<CallParty>> available = roster.availableByUser();
        Map<String, List<CallParty>> wanted = available;
        boolean newTarget = false;
        if (longestIdle) {
            String user = call.ringUser;
            if (user == null || !available.containsKey(user)) {
                user = roster.longestIdle(available.keySet(), call.triedUsers);
                if (user == null && !call.triedUsers.isEmpty()) {
                    call.triedUsers.clear(); // everyone had it once: start the round again
                    user = roster.longestIdle(available.keySet(), call.triedUsers);
                }
                call.ringUser = user;
                newTarget = user != null;
            }
            wanted = user == null ? Map.of() : Map.of(user, available.get(user));
        }
        for (var offer = call.openOffers.entrySet().iterator(); offer.hasNext();) {
            var entry = offer.next();
            if (!wanted.containsKey(entry.getKey())) {
                entry.getValue().end(RingOffer.Outcome.WITHDRAWN, nowMs);
                offer.remove();
            }
        }
        for (String user : wanted.keySet()) {
            call.openOffers.computeIfAbsent(user, u -> {
                RingOffer offer = new RingOffer(u, nowMs);
                call.offers.add(offer);
                return offer;
            });
        }
        Set<CallParty> now = Collections.newSetFromMap(new IdentityHashMap<>());
        wanted.values().forEach(now::addAll);
        List<CallParty> added = new ArrayList<>();
        List<CallParty> removed = new ArrayList<>();
        for (CallParty party : now) {
            if (!call.ringingAt.contains(party)) {
                added.add(party);
            }
        }
        for (CallParty party : call.ringingAt) {
            if (!now.contains(party)) {
                removed.add(party);
            }
        }
        call.ringingAt.clear();
        call.ringingAt.addAll(now);
        return new Change(added, removed, newTarget);
    }

    /** Longest-idle: the current agent had the call for the ring-each time; the next one gets it. */
    void moveOn(Call call, long nowMs) {
        String user = call.ringUser;
        if (user == null) {
            return;
        }
        RingOffer offer = call.openOffers.remove(user);
        if (offer != null) {
            offer.end(RingOffer.Outcome.MOVED_ON, nowMs);
        }
        call.triedUsers.add(user);
        call.ringUser = null;
    }

    /** The call leaves RINGING for {@code target}: every open offer ends accordingly. */
    static void close(Call call, CallState target, long nowMs) {
        call.openOffers.forEach((user, offer) -> offer.end(switch (target) {
            case ANSWERED -> user.equals(call.agent) ? RingOffer.Outcome.ANSWERED : RingOffer.Outcome.TAKEN;
            case REJECTED -> user.equals(call.agent) ? RingOffer.Outcome.DECLINED : RingOffer.Outcome.TAKEN;
            case MISSED -> RingOffer.Outcome.MISSED;
            case CANCELLED -> RingOffer.Outcome.CANCELLED;
            default -> RingOffer.Outcome.FAILED;
        }, nowMs));
        call.openOffers.clear();
        call.ringingAt.clear();
        call.ringUser = null;
    }
}
