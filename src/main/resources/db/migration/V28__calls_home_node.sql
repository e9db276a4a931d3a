-- Issue 19 point 5: the node that carried a call (callvault.node.id), NULL on one node. A node that
-- starts after a crash closes only its own calls left live: the other nodes' calls are still going.
ALTER TABLE calls ADD COLUMN home_node VARCHAR(32);
CREATE INDEX ix_calls_home_node ON calls (home_node, state);
