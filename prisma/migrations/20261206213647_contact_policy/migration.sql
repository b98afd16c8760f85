-- CreateEnum
CREATE TYPE "ContactPolicyRuleKind" AS ENUM ('channel_limit', 'overall_limit', 'approval_cooldown', 'decline_cooldown', 'goal_suppression');

-- AlterTable
ALTER TABLE "Recommendation" ADD COLUMN     "fates" JSONB;

-- CreateTable
CREATE TABLE "ContactPolicyRule" (
    "key" TEXT NOT NULL,
    "kind" "ContactPolicyRuleKind" NOT NULL,
    "channel" "Channel",
    "isEnabled" BOOLEAN NOT NULL DEFAULT true,
    "maxCount" INTEGER,
    "windowDays" INTEGER NOT NULL,
    "pauseDays" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ContactPolicyRule_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "ContactPolicyRule_kind_channel_key" ON "ContactPolicyRule"("kind", "channel");

-- Each kind has the numbers it needs and no others, within what the Contact policy screen allows,
-- and its key names it, so a rule cannot be stored twice or half set.
ALTER TABLE "ContactPolicyRule"
  ADD CONSTRAINT "ContactPolicyRule_key_names_rule" CHECK ("key" = CASE WHEN "kind" = 'channel_limit' THEN 'channel_limit:' || "channel"::text ELSE "kind"::text END),
  ADD CONSTRAINT "ContactPolicyRule_channel_only_for_limits" CHECK (("kind" = 'channel_limit') = ("channel" IS NOT NULL)),
  ADD CONSTRAINT "ContactPolicyRule_window_days" CHECK ("windowDays" BETWEEN 1 AND 365),
  ADD CONSTRAINT "ContactPolicyRule_max_count" CHECK (
    CASE WHEN "kind" IN ('channel_limit', 'overall_limit', 'goal_suppression') THEN "maxCount" BETWEEN 1 AND 100 ELSE "maxCount" IS NULL END),
  ADD CONSTRAINT "ContactPolicyRule_pause_days" CHECK (
    CASE WHEN "kind" = 'goal_suppression' THEN "pauseDays" BETWEEN 1 AND 365 ELSE "pauseDays" IS NULL END);

-- The defaults every database starts with: 1 call in 14 days, 2 SMS and 3 emails in 7 days, 4
-- contacts in 7 days on all channels, 30 days between approvals of one treatment, 90 days after a
-- decline, and a goal paused for 60 days after 2 declines or ignores within 30 days. Push and
-- letters have a rule each, switched off, for a manager to set.
INSERT INTO "ContactPolicyRule" ("key", "kind", "channel", "isEnabled", "maxCount", "windowDays", "pauseDays", "updatedAt") VALUES
  ('channel_limit:call', 'channel_limit', 'call', true, 1, 14, NULL, now()),
  ('channel_limit:sms', 'channel_limit', 'sms', true, 2, 7, NULL, now()),
  ('channel_limit:email', 'channel_limit', 'email', true, 3, 7, NULL, now()),
  ('channel_limit:push', 'channel_limit', 'push', false, 3, 7, NULL, now()),
  ('channel_limit:mail', 'channel_limit', 'mail', false, 1, 30, NULL, now()),
  ('overall_limit', 'overall_limit', NULL, true, 4, 7, NULL, now()),
  ('approval_cooldown', 'approval_cooldown', NULL, true, NULL, 30, NULL, now()),
  ('decline_cooldown', 'decline_cooldown', NULL, true, NULL, 90, NULL, now()),
  ('goal_suppression', 'goal_suppression', NULL, true, 2, 30, 60, now());
