-- Issue 17 points 5 and 6: every agent a call rang at, when, and how that ended (ANSWERED, TAKEN by
-- another agent, DECLINED, MOVED_ON by longest-idle, MISSED at the ring timeout, CANCELLED by the
-- caller, WITHDRAWN when the agent went away or got busy, FAILED). Written once the call stops
-- ringing; the per-agent figures count offers and "missed while available" (MOVED_ON + MISSED) here.
CREATE TABLE call_offers (
    call_id         VARCHAR(36) NOT NULL,
    agent_username  VARCHAR(64) NOT NULL,
    offered_at      BIGINT      NOT NULL,
    ended_at        BIGINT      NOT NULL,
    outcome         VARCHAR(16) NOT NULL,
    CONSTRAINT fk_call_offers_call FOREIGN KEY (call_id) REFERENCES calls (id)
);
CREATE INDEX ix_call_offers_time ON call_offers (offered_at, agent_username);
CREATE INDEX ix_call_offers_call ON call_offers (call_id);
