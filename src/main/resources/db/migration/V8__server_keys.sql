-- Secrets the server generates for itself at first start (the HMAC key of the sign-in device
-- cookies): in the database, so they survive restarts and move with a backup, never in the repo.
CREATE TABLE server_keys (
    name       VARCHAR(64)  NOT NULL,
    secret     VARCHAR(255) NOT NULL,
    created_at BIGINT       NOT NULL,
    CONSTRAINT pk_server_keys PRIMARY KEY (name)
);
