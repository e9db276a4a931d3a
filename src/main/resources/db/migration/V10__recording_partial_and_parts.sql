-- A recording interrupted by a full disk keeps what it wrote (partial) and goes on in further
-- part files beside the first (<call-id>.part2.wav, ...) when space returns.
ALTER TABLE recordings ADD COLUMN partial BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE recordings ADD COLUMN parts INTEGER DEFAULT 1 NOT NULL;
