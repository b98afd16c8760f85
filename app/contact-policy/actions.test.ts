import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { type Actor, ROLES } from "@/lib/auth/roles";
import { DEMO_ACTOR, demoActor } from "@/lib/auth/testing";
import { openActionTest } from "@/lib/testing/action-test";

const { revalidatePath } = vi.hoisted(() => ({ revalidatePath: vi.fn() }));
vi.mock("next/cache", () => ({ revalidatePath, revalidateTag: vi.fn() }));

let currentActor: Actor | null = DEMO_ACTOR;
vi.mock("@/lib/session/actor", () => ({ getCurrentActor: async () => currentActor }));

let pool: pg.Pool;
let actions: typeof import("./actions");
let close: () => Promise<void>;

beforeAll(async () => {
  ({ pool, actions, close } = await openActionTest({ load: () => import("./actions") }));
});
afterAll(() => close());
beforeEach(async () => {
  currentActor = DEMO_ACTOR;
  revalidatePath.mockClear();
  await pool.query(`TRUNCATE "AuditLog"`);
  await pool.query(`UPDATE "ContactPolicyRule" SET "maxCount" = 2, "windowDays" = 7, "isEnabled" = true, version = 0 WHERE key = 'channel_limit:sms'`);
});

const sms = async () => (await pool.query(`SELECT "isEnabled", "maxCount", "windowDays", version FROM "ContactPolicyRule" WHERE key = 'channel_limit:sms'`)).rows[0];
const auditRows = async () => (await pool.query(`SELECT "actorId", "actorLabel", action, before, after, reason FROM "AuditLog" ORDER BY id`)).rows;

describe("updateContactPolicyRuleAction", () => {
  test("a manager's change is saved, audited with the actor, and refreshes the screen", async () => {
    const result = await actions.updateContactPolicyRuleAction({ key: "channel_limit:sms", isEnabled: true, maxCount: "1", windowDays: "7", version: 0, reason: "SMS fatigue" });
    expect(result).toMatchObject({ ok: true, data: { isChanged: true, before: { maxCount: 2 }, after: { maxCount: 1 } } });
    expect(await sms()).toEqual({ isEnabled: true, maxCount: 1, windowDays: 7, version: 1 });
    expect(await auditRows()).toEqual([
      { actorId: DEMO_ACTOR.id, actorLabel: DEMO_ACTOR.label, action: "contact_policy.update", before: { maxCount: 2 }, after: { maxCount: 1 }, reason: "SMS fatigue" },
    ]);
    expect(revalidatePath).toHaveBeenCalledWith("/contact-policy");
  });

  test.each(ROLES.map((role) => [role, role === "manager" || role === "admin"] as const))("as %s: allowed %s", async (role, isAllowed) => {
    currentActor = demoActor(role);
    const result = await actions.updateContactPolicyRuleAction({ key: "channel_limit:sms", isEnabled: true, maxCount: 3, windowDays: 7 });
    expect(result.ok).toBe(isAllowed);
    if (!isAllowed) {
      expect(result).toEqual({ ok: false, message: "Only managers and administrators may change the contact policy." });
      expect(await sms()).toMatchObject({ maxCount: 2, version: 0 });
      expect(await auditRows()).toEqual([]);
    }
  });

  test("signed out, nothing changes", async () => {
    currentActor = null;
    expect(await actions.updateContactPolicyRuleAction({ key: "channel_limit:sms", isEnabled: true, maxCount: 3, windowDays: 7 })).toMatchObject({ ok: false });
    expect(await sms()).toMatchObject({ maxCount: 2, version: 0 });
  });

  test.each<[string, unknown, string]>([
    ["a window of 0 days", { key: "channel_limit:sms", isEnabled: true, maxCount: 2, windowDays: 0 }, "windowDays"],
    ["a limit of 101", { key: "channel_limit:sms", isEnabled: true, maxCount: 101, windowDays: 7 }, "maxCount"],
    ["an unknown rule", { key: "fax", isEnabled: true, windowDays: 7 }, "key"],
    ["markup in the reason", { key: "channel_limit:sms", isEnabled: true, maxCount: 2, windowDays: 7, reason: "<b>x</b>" }, "reason"],
    ["an extra field", { key: "channel_limit:sms", isEnabled: true, maxCount: 2, windowDays: 7, sql: "DROP" }, "input"],
    ["no object", "channel_limit:sms", "input"],
  ])("refuses %s with a field message and changes nothing", async (_title, input, field) => {
    const result = await actions.updateContactPolicyRuleAction(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.fieldErrors ?? { input: [] })).toContain(field);
    expect(await sms()).toMatchObject({ maxCount: 2, version: 0 });
    expect(await auditRows()).toEqual([]);
  });
});
