-- Free-text search on caller name and number without scanning the calls table: every word of
-- the name and number (accents folded, lower case, letters and digits only) is stored with each
-- of its suffixes of three characters or more, so "text occurs inside a word" becomes "a stored
-- term starts with text", an index range on any engine. V4 fills it for existing calls.
CREATE TABLE call_search_terms (
    term     VARCHAR(32) NOT NULL,
    call_id  VARCHAR(36) NOT NULL,
    CONSTRAINT pk_call_search_terms PRIMARY KEY (term, call_id)
);
