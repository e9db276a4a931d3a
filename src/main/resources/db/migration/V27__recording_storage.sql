-- Issue 19 point 3: where a finished recording's bytes are. LOCAL: the recordings folder of the node
-- that recorded it (every recording until now, and every one while callvault.storage.type=local);
-- S3: uploaded to the bucket, verified, and its spool copy removed.
ALTER TABLE recordings ADD COLUMN storage VARCHAR(8) DEFAULT 'LOCAL' NOT NULL;
