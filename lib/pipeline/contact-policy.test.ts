import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { DEFAULT_CONTACT_POLICY } from "../agents/rules/contact-policy";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { AppError } from "../errors";
import { DEFAULT_POLICY_RULES, listContactPolicyRules, loadContactPolicy, updateContactPolicyRule, updateContactPolicyRuleInputSchema } from "./contact-policy";

let db: TestDatabase;
let pool: pg.Pool;
const actor = { id: null, label: "Maya Patel (manager)", role: "manager" as const };

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 6 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});
beforeEach(async () => {
  await pool.query(`TRUNCATE "AuditLog"`);
  await pool.query(`DELETE FROM "ContactPolicyRule"`);
  for (const r of DEFAULT_POLICY_RULES) {
    await pool.query(
      `INSERT INTO "ContactPolicyRule" (key, kind, channel, "isEnabled", "maxCount", "windowDays", "pauseDays", "updatedAt") VALUES ($1, $2::"ContactPolicyRuleKind", $3::"Channel", $4, $5, $6, $7, now())`,
      [r.key, r.kind, r.channel, r.isEnabled, r.maxCount, r.windowDays, r.pauseDays],
    );
  }
});

describe("stored policy", () => {
  test("a migrated database holds the default rules, and reads as the default policy", async () => {
    const fresh = await createTestDatabase();
    const freshPool = new pg.Pool({ connectionString: fresh.url, max: 2 });
    try {
      const rules = await listContactPolicyRules(freshPool);
      expect(rules.map(({ version: _v, updatedAt, ...r }) => ({ ...r, hasRow: updatedAt !== null }))).toEqual(DEFAULT_POLICY_RULES.map((r) => ({ ...r, hasRow: true })));
      expect(await loadContactPolicy(freshPool)).toEqual(DEFAULT_CONTACT_POLICY);
    } finally {
      await freshPool.end();
      await fresh.drop();
    }
  });

  test("a table cleared by a demo reset reads as the defaults", async () => {
    await pool.query(`DELETE FROM "ContactPolicyRule"`);
    expect(await loadContactPolicy(pool)).toEqual(DEFAULT_CONTACT_POLICY);
  });

  test.each<[string, string, string]>([
    ["a window of 0 days", `UPDATE "ContactPolicyRule" SET "windowDays" = 0 WHERE key = 'overall_limit'`, "ContactPolicyRule_window_days"],
    ["a limit of 101 contacts", `UPDATE "ContactPolicyRule" SET "maxCount" = 101 WHERE key = 'channel_limit:sms'`, "ContactPolicyRule_max_count"],
    ["a count on a cooldown", `UPDATE "ContactPolicyRule" SET "maxCount" = 2 WHERE key = 'approval_cooldown'`, "ContactPolicyRule_max_count"],
    ["a pause without days", `UPDATE "ContactPolicyRule" SET "pauseDays" = NULL WHERE key = 'goal_suppression'`, "ContactPolicyRule_pause_days"],
    ["a limit without a count", `UPDATE "ContactPolicyRule" SET "maxCount" = NULL WHERE key = 'channel_limit:sms'`, "ContactPolicyRule_max_count"],
    ["a second SMS limit under another key", `INSERT INTO "ContactPolicyRule" (key, kind, channel, "windowDays", "maxCount", "updatedAt") VALUES ('sms2', 'channel_limit', 'sms', 7, 2, now())`, "ContactPolicyRule_key_names_rule"],
  ])("the database refuses %s", async (_title, sql, constraint) => {
    await expect(pool.query(sql)).rejects.toMatchObject({ constraint });
  });
});

describe("changing a rule", () => {
  test.each([
    ["numbers typed as text", { key: "channel_limit:sms", isEnabled: "on", maxCount: " 3 ", windowDays: "7" }, { isEnabled: true, maxCount: 3, windowDays: 7 }],
    ["a rule switched off", { key: "overall_limit", maxCount: 4, windowDays: 7 }, { isEnabled: false }],
    ["a year's window", { key: "decline_cooldown", isEnabled: true, windowDays: 365 }, { windowDays: 365 }],
  ])("accepts %s", (_title, input, expected) => {
    expect(updateContactPolicyRuleInputSchema.parse(input)).toMatchObject(expected);
  });

  test.each([
    ["a window of 0 days", { key: "channel_limit:sms", isEnabled: true, maxCount: 2, windowDays: 0 }, "windowDays", "The number of days is at least 1."],
    ["a window of 366 days", { key: "channel_limit:sms", isEnabled: true, maxCount: 2, windowDays: 366 }, "windowDays", "The number of days is at most 365."],
    ["a limit without a count", { key: "channel_limit:sms", isEnabled: true, maxCount: "", windowDays: 7 }, "maxCount", "Say how many contacts are allowed."],
    ["a fraction of a contact", { key: "channel_limit:sms", isEnabled: true, maxCount: "2.5", windowDays: 7 }, "maxCount", "The number of contacts must be a whole number."],
    ["a pause without its days", { key: "goal_suppression", isEnabled: true, maxCount: 2, windowDays: 30 }, "pauseDays", "Say how many days the goal pauses."],
    ["an unknown rule", { key: "fax_limit", isEnabled: true, windowDays: 7 }, "key", "Choose a rule of the contact policy."],
  ])("refuses %s", (_title, input, field, message) => {
    const parsed = updateContactPolicyRuleInputSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.find((i) => i.path[0] === field)?.message).toBe(message);
  });

  test("saves, audits the changed fields only, and the next load reads the new limit", async () => {
    const result = await updateContactPolicyRule(pool, { actor, input: { key: "channel_limit:sms", isEnabled: true, maxCount: 1, windowDays: 7, version: 0, reason: "Complaints about SMS volume" } });
    expect(result).toMatchObject({ isChanged: true, before: { maxCount: 2 }, after: { maxCount: 1 } });
    expect((await loadContactPolicy(pool)).channelLimits.sms).toEqual({ maxContacts: 1, windowDays: 7 });
    const audit = (await pool.query(`SELECT action, "entityType", "entityId", before, after, reason FROM "AuditLog"`)).rows;
    expect(audit).toEqual([{ action: "contact_policy.update", entityType: "ContactPolicyRule", entityId: "channel_limit:sms", before: { maxCount: 2 }, after: { maxCount: 1 }, reason: "Complaints about SMS volume" }]);
  });

  test("the same values again change and log nothing", async () => {
    const result = await updateContactPolicyRule(pool, { actor, input: { key: "approval_cooldown", isEnabled: true, windowDays: 30 } });
    expect(result.isChanged).toBe(false);
    expect((await pool.query(`SELECT count(*)::int AS n FROM "AuditLog"`)).rows[0].n).toBe(0);
  });

  test("a save over someone else's change is refused and changes nothing", async () => {
    await updateContactPolicyRule(pool, { actor, input: { key: "overall_limit", isEnabled: true, maxCount: 5, windowDays: 7, version: 0 } });
    const stale = updateContactPolicyRule(pool, { actor, input: { key: "overall_limit", isEnabled: true, maxCount: 6, windowDays: 7, version: 0 } });
    await expect(stale).rejects.toBeInstanceOf(AppError);
    await expect(stale).rejects.toMatchObject({ code: "conflict" });
    expect((await loadContactPolicy(pool)).overallLimit).toEqual({ maxContacts: 5, windowDays: 7 });
  });

  test("a rule cleared by a demo reset is saved from its default", async () => {
    await pool.query(`DELETE FROM "ContactPolicyRule"`);
    const result = await updateContactPolicyRule(pool, { actor, input: { key: "goal_suppression", isEnabled: true, maxCount: 3, windowDays: 30, pauseDays: 60 } });
    expect(result).toMatchObject({ isChanged: true, before: { maxCount: 2 }, after: { maxCount: 3 } });
    expect((await loadContactPolicy(pool)).goalSuppression).toEqual({ maxNegative: 3, windowDays: 30, pauseDays: 60 });
  });

  test("a disabled rule keeps its numbers and reads as off", async () => {
    await updateContactPolicyRule(pool, { actor, input: { key: "channel_limit:call", isEnabled: false, maxCount: 1, windowDays: 14 } });
    expect((await loadContactPolicy(pool)).channelLimits.call).toBeUndefined();
    expect((await listContactPolicyRules(pool)).find((r) => r.key === "channel_limit:call")).toMatchObject({ isEnabled: false, maxCount: 1, windowDays: 14, version: 1 });
  });
});
