package org.callvault.call;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code lost_nodes} table (V29): which node processes another node has declared lost. The
 * database is the one thing a node cut off from Redis still shares with the others, so it is where
 * such a node learns that it was declared lost ({@link NodeFence}).
 */
@Repository
class LostNodes {

    private final JdbcClient jdbc;

    LostNodes(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** {@code by} declared {@code node}'s process {@code incarnation} lost; said twice, kept once. */
    void declare(String node, String incarnation, String by) {
        try {
            jdbc.sql("INSERT INTO lost_nodes (node_id, incarnation, declared_by) VALUES (:node, :incarnation, :by)")
                    .param("node", node).param("incarnation", incarnation).param("by", by).update();
        }
        catch (DuplicateKeyException already) {
            // declared before and not yet forgotten: the same fact
        }
    }

    /** Whether any node declared {@code node}'s process {@code incarnation} lost. */
    boolean declared(String node, String incarnation) {
        return jdbc.sql("SELECT COUNT(*) FROM lost_nodes WHERE node_id = :node AND incarnation = :incarnation")
                .param("node", node).param("incarnation", incarnation).query(Long.class).single() > 0;
    }

    /** Forgets every declaration about {@code node}, of any of its processes. */
    void forget(String node) {
        jdbc.sql("DELETE FROM lost_nodes WHERE node_id = :node").param("node", node).update();
    }
}
