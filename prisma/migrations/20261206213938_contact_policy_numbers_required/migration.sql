-- A CHECK passes when its expression is NULL, so a missing count or pause got through the rules
-- of the contact_policy migration; each kind's numbers must now be present, not only in range.
ALTER TABLE "ContactPolicyRule"
  DROP CONSTRAINT "ContactPolicyRule_max_count",
  DROP CONSTRAINT "ContactPolicyRule_pause_days",
  ADD CONSTRAINT "ContactPolicyRule_max_count" CHECK (
    CASE WHEN "kind" IN ('channel_limit', 'overall_limit', 'goal_suppression') THEN COALESCE("maxCount" BETWEEN 1 AND 100, false) ELSE "maxCount" IS NULL END),
  ADD CONSTRAINT "ContactPolicyRule_pause_days" CHECK (
    CASE WHEN "kind" = 'goal_suppression' THEN COALESCE("pauseDays" BETWEEN 1 AND 365, false) ELSE "pauseDays" IS NULL END);
