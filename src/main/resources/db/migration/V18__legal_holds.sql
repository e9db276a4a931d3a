-- Legal hold (issue 17): a call on hold keeps its recording; nobody and no retention rule may
-- delete it until the hold is lifted. One row per held call; the history of holds is in the
-- audit log (HOLD_PLACED, HOLD_LIFTED).
CREATE TABLE legal_holds (
    call_id   VARCHAR(36)  NOT NULL,
    reason    VARCHAR(500) NOT NULL,
    held_by   VARCHAR(64)  NOT NULL,
    held_at   BIGINT       NOT NULL,
    CONSTRAINT pk_legal_holds PRIMARY KEY (call_id),
    CONSTRAINT fk_legal_holds_call FOREIGN KEY (call_id) REFERENCES calls (id)
);
