-- Issue 17 point 4: what a call was about, set by the agent who took it (or an ADMIN).
-- Notes are free text (at most 2000 characters, checked by the application); the outcome is one of
-- the configured codes (callvault.calls.outcome-codes); tags are short lower-case slugs, at most 10 a
-- call, one row each so a filter (and later retention rules by tag) is an index look-up.
ALTER TABLE calls ADD COLUMN notes VARCHAR(2000);
ALTER TABLE calls ADD COLUMN outcome_code VARCHAR(32);
ALTER TABLE calls ADD COLUMN annotated_by VARCHAR(64);
ALTER TABLE calls ADD COLUMN annotated_at BIGINT;
CREATE INDEX ix_calls_outcome_created ON calls (outcome_code, created_at, id);

CREATE TABLE call_tags (
    call_id  VARCHAR(36) NOT NULL,
    tag      VARCHAR(32) NOT NULL,
    CONSTRAINT pk_call_tags PRIMARY KEY (call_id, tag),
    CONSTRAINT fk_call_tags_call FOREIGN KEY (call_id) REFERENCES calls (id)
);
CREATE INDEX ix_call_tags_tag ON call_tags (tag, call_id);

-- Point 5: a missed call someone called back (or marked done), and who.
ALTER TABLE calls ADD COLUMN callback_by VARCHAR(64);
ALTER TABLE calls ADD COLUMN callback_at BIGINT;
