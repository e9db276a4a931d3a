-- Indexes for the call history filters: each filter column leads, then the keyset
-- (created_at, id), so a page of any single filter is an index range scan in order.
CREATE INDEX ix_calls_agent_created ON calls (agent_username, created_at, id);
CREATE INDEX ix_calls_number_created ON calls (caller_number, created_at, id);
CREATE INDEX ix_calls_name_created ON calls (caller_name, created_at, id);
CREATE INDEX ix_calls_duration ON calls (duration_ms, created_at, id);
CREATE INDEX ix_recordings_created ON recordings (created_at);

-- Personal API tokens for scripts: only a SHA-256 of the token is stored.
CREATE TABLE api_tokens (
    id            VARCHAR(36)  NOT NULL,
    username      VARCHAR(64)  NOT NULL,
    name          VARCHAR(100) NOT NULL,
    token_hash    VARCHAR(64)  NOT NULL,
    created_at    BIGINT       NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT,
    CONSTRAINT pk_api_tokens PRIMARY KEY (id),
    CONSTRAINT uq_api_tokens_hash UNIQUE (token_hash)
);
CREATE INDEX ix_api_tokens_user ON api_tokens (username);
