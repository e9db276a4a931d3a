-- Retention rules edited without a restart (issue 17). One settings row (id 1) holds the default
-- number of days (0 keeps recordings for ever); it is created at start from CALLVAULT_RETENTION_DAYS
-- when missing. Rules are tried in rule_order; the first that matches a call decides its days.
-- A criterion left NULL matches any value. tag matches the call_tags table when it exists.
CREATE TABLE retention_settings (
    id            INT          NOT NULL,
    default_days  INT          NOT NULL,
    changed_at    BIGINT       NOT NULL,
    changed_by    VARCHAR(64)  NOT NULL,
    CONSTRAINT pk_retention_settings PRIMARY KEY (id)
);

CREATE TABLE retention_rules (
    id          VARCHAR(36)  NOT NULL,
    rule_order  INT          NOT NULL,
    source      VARCHAR(16),
    outcome     VARCHAR(16),
    tag         VARCHAR(64),
    keep_days   INT          NOT NULL,
    CONSTRAINT pk_retention_rules PRIMARY KEY (id)
);
