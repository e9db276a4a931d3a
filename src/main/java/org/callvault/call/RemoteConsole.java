package org.callvault.call;

/**
 * An agent console whose socket is open on another node, as this node's calls see it: it rings, may
 * answer and hold the agent's leg like a local console; what it is told goes to its node over
 * {@link ClusterEvents}, addressed to that node alone. One object per console (by node and id), so
 * a leg given to it is recognised when its hang-up comes back.
 */
final class RemoteConsole implements CallParty {

    final String node;
    final String id;
    final String user;
    private final ClusterEvents events;
    /** What its media socket speaks, as its node said with its latest answer (its event socket agreed it there). */
    private volatile boolean opus;

    RemoteConsole(String node, String id, String user, ClusterEvents events) {
        this.node = node;
        this.id = id;
        this.user = user;
        this.events = events;
    }

    @Override
    public void callChanged(CallView call) {
        events.publish(ClusterMessage.party(events.nodeId(), node, id, "call", call.id(), null, null, call));
    }

    @Override
    public void legAssigned(String callId, LegRole role, String resumeToken) {
        events.publish(ClusterMessage.party(events.nodeId(), node, id, "leg", callId, role, resumeToken, null));
    }

    @Override
    public void mediaReady(String callId, LegRole role, String mediaToken) {
        events.publish(ClusterMessage.party(events.nodeId(), node, id, "media", callId, role, mediaToken, null));
    }

    /** Its node's word, with an answer, on what its media socket will speak. */
    void speaksOpus(boolean opus) {
        this.opus = opus;
    }

    @Override
    public boolean speaksOpus() {
        return opus;
    }

    @Override
    public String owner() {
        return "agent:" + user;
    }

    @Override
    public void replaced(String callId, LegRole role) {
        events.publish(ClusterMessage.party(events.nodeId(), node, id, "replaced", callId, role, null, null));
    }

    @Override
    public String toString() {
        return "console " + id + " of " + user + " on node " + node;
    }
}
