-- Which transport the caller used: 'browser' (the browser phone) or 'sip' (a trunk, PBX or phone).
-- Every call before this version came from the browser phone.
ALTER TABLE calls ADD COLUMN source VARCHAR(16) DEFAULT 'browser' NOT NULL;
