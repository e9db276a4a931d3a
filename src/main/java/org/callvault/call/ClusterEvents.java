package org.callvault.call;

/**
 * Events between the nodes of one CallVault (docs/ARCHITECTURE.md, "Live calls across nodes"): a
 * ringing call offered to consoles on other nodes, their answers and hang-ups sent to the node that
 * carries the call, console presence, and sign-outs. One node has none ({@link #LOCAL}: publishing
 * does nothing, nothing is ever received); several share Redis pub/sub ({@link RedisClusterEvents}).
 */
public interface ClusterEvents {

    /** One node: no other node to tell, no connection of any kind. */
    ClusterEvents LOCAL = new ClusterEvents() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public String nodeId() {
            return null;
        }

        @Override
        public void publish(ClusterMessage message) {
        }

        @Override
        public void subscribe(Listener listener) {
        }
    };

    boolean enabled();

    /** This node's id (null on one node). */
    String nodeId();

    /** Sends to every other node without waiting; a failure is logged, never thrown. */
    void publish(ClusterMessage message);

    /**
     * Another node's messages (never this node's own), already validated, one at a time in the
     * order they were published, on a thread of the cluster's own.
     */
    void subscribe(Listener listener);

    interface Listener {

        void received(ClusterMessage message);

        /** The link to the other nodes went down: what they said before may be stale. */
        default void disconnected() {
        }

        /** The link is back (or up for the first time). */
        default void connected() {
        }
    }
}
