package org.callvault.call;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Several nodes (docs/ARCHITECTURE.md, "Losing a node").
 *
 * @param nodeLostAfter a node not heard on the cluster channel for this long is declared lost and its
 *                      calls end for the other nodes' consoles ({@code server_lost}); between 2 s (each
 *                      node beats once a second, so less would take a hiccup for a death) and 10 min
 */
@Validated
@ConfigurationProperties("callvault.cluster")
public record ClusterProperties(@NotNull @DefaultValue("5s") Duration nodeLostAfter) {

    public ClusterProperties {
        if (nodeLostAfter != null && (nodeLostAfter.compareTo(NodeLiveness.MIN_LOST_AFTER) < 0
                || nodeLostAfter.compareTo(NodeLiveness.MAX_LOST_AFTER) > 0)) {
            throw new IllegalArgumentException("callvault.cluster.node-lost-after (CALLVAULT_CLUSTER_NODE_LOST_AFTER) must be"
                    + " between 2s and 10m, not " + nodeLostAfter);
        }
    }
}
