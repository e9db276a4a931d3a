-- Issue 17 point 9: the name people see for an account ("Maria Rossi" for maria). NULL means "the user
-- name". 160 rather than 80 because H2 counts UTF-16 units; the 80-character limit is checked in
-- DisplayNames. Calls keep naming their agent by user name (calls.agent_username is text, no foreign
-- key), so deleting an account leaves its calls attributed to that name.
ALTER TABLE users ADD COLUMN display_name VARCHAR(160);
