-- The latest entry of one kind (e.g. the last retention run shown on the dashboard) without
-- reading the whole log.
CREATE INDEX ix_audit_log_action_time ON audit_log (action, occurred_at);
