package org.callvault.transport.ws;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.callvault.call.CallObserver;
import org.callvault.call.CallParty;
import org.callvault.call.CallView;

/**
 * The open agent consoles. Every console sees every change of an answered or finished call, and a
 * ringing call only where it rings ({@link #callOffered}); so a change is written as JSON
 * once and the same text is queued to each console: with hundreds of consoles open, writing it
 * once per console made each ring cost hundreds of serializations on the signaling thread.
 */
final class AgentConsoles implements CallObserver {

    private final Set<EventSession> consoles = ConcurrentHashMap.newKeySet();
    private final EventMessages messages;
    /** The calls a console may see now, of every node (what its welcome listed, at this moment). */
    private final Function<EventSession, List<CallView>> visibleCalls;

    AgentConsoles(EventMessages messages, Function<EventSession, List<CallView>> visibleCalls) {
        this.messages = messages;
        this.visibleCalls = visibleCalls;
    }

    void add(EventSession console) {
        consoles.add(console);
    }

    void remove(EventSession console) {
        consoles.remove(console);
    }

    int count() {
        return consoles.size();
    }

    /** Queues the same text to every open console. */
    void broadcast(String text) {
        for (EventSession console : consoles) {
            console.send(text);
        }
    }

    @Override
    public void callOffered(CallView call, List<CallParty> offeredTo) {
        String text = null;
        for (CallParty party : offeredTo) {
            if (party instanceof EventSession console && consoles.contains(console)) {
                if (text == null) {
                    text = messages.callChanged(call);
                }
                console.send(text);
            }
        }
    }

    @Override
    public void offerWithdrawn(String callId, List<CallParty> from) {
        String text = messages.offerWithdrawn(callId);
        for (CallParty party : from) {
            if (party instanceof EventSession console && consoles.contains(console)) {
                console.send(text);
            }
        }
    }

    @Override
    public void callChanged(CallView call) {
        if (consoles.isEmpty()) {
            return;
        }
        String text = messages.callChanged(call);
        for (EventSession console : consoles) {
            console.send(text);
        }
    }

    /**
     * Other nodes' calls were put right after messages about them were lost (a Redis outage): each
     * console gets its whole list again as a {@code resync} (docs/protocol.md), which replaces what it
     * shows, so calls that ended meanwhile go and calls that began ringing come. Per console, since a
     * ringing call is listed only to the consoles it may ring at.
     */
    @Override
    public void callsResynchronised() {
        for (EventSession console : consoles) {
            console.send(messages.resync(visibleCalls.apply(console)));
        }
    }
}
