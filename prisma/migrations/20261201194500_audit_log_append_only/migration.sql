-- The audit trail is append-only: an entry is never changed or deleted once written. (A demo
-- reset replaces all data with TRUNCATE, which row triggers do not see.) Deleting a user who has
-- entries is refused with it, since their entries would lose who they were; users are deactivated.
CREATE FUNCTION "audit_log_is_append_only"() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'The audit trail is append-only (% refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "AuditLog_append_only"
  BEFORE UPDATE OR DELETE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_is_append_only"();
