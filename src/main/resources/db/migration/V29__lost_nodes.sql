-- Issue 19 point 5, fencing: a node declared lost by another (silent on the cluster channel for
-- node-lost-after) is written here by the node that declared it, under the lost process's incarnation.
-- A node whose own cluster link is down reads it: declared lost, it ends its cross-node calls and
-- leaves the balancer until its link is back (docs/ARCHITECTURE.md, "Losing a node").
CREATE TABLE lost_nodes (
    node_id VARCHAR(32) NOT NULL,
    incarnation VARCHAR(32) NOT NULL,
    declared_by VARCHAR(32) NOT NULL,
    PRIMARY KEY (node_id, incarnation, declared_by)
);
