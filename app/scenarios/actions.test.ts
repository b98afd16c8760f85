import pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { insertCatalog, insertCustomers, insertPermissions } from "@/lib/pipeline/testing/fixtures";
import type { Actor, Role } from "@/lib/auth/roles";
import { DEMO_ACTOR } from "@/lib/auth/testing";
import { openActionTest } from "@/lib/testing/action-test";

vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));

let currentActor: Actor = DEMO_ACTOR;
vi.mock("@/lib/session/actor", () => ({ getCurrentActor: async () => currentActor }));

let pool: pg.Pool;
let actions: typeof import("./actions");
let close: () => Promise<void>;
let savedId: string;

beforeAll(async () => {
  ({ pool, actions, close } = await openActionTest({
    load: () => import("./actions"),
    seed: async ({ url }) => {
      await insertCatalog(url, { limits: { call_slots: 5 } });
      await insertPermissions(url, await insertCustomers(url, { count: 12 }));
    },
  }));
  const saved = await actions.saveScenarioAction({ name: "Eight slots", changes: { resources: [{ key: "call_slots", limit: 8 }] } });
  if (!saved.ok) throw new Error(saved.message);
  savedId = saved.data.id;
});
afterAll(() => close());

const as = (role: Role) => {
  currentActor = { ...DEMO_ACTOR, role, label: `Someone (${role})` };
};
const counts = async () =>
  (await pool.query(`SELECT (SELECT count(*) FROM "Scenario")::int AS scenarios, (SELECT count(*) FROM "AuditLog")::int AS audit, (SELECT "limit" FROM "ResourceConstraint" WHERE key = 'call_slots') AS "limit"`)).rows[0];

describe("scenario actions by role", () => {
  test.each([
    { role: "marketer" as const, isAllowed: true },
    { role: "viewer" as const, isAllowed: false },
  ])("planning is open to a $role: $isAllowed, and writes nothing either way", async ({ role, isAllowed }) => {
    as(role);
    const before = await counts();
    const answer = await actions.planScenarioAction({ changes: { resources: [{ key: "call_slots", limit: 8 }] } });
    expect(answer.ok).toBe(isAllowed);
    if (answer.ok) expect(answer.data.scenarios[0]!.comparison.reach.find((r) => r.key === "retention_call")).toMatchObject({ current: 5, scenario: 8 });
    expect(await counts()).toEqual(before);
  });

  test.each([
    { title: "a marketer cannot save a scenario", run: () => actions.saveScenarioAction({ name: "Mine", changes: {} }) },
    { title: "a marketer cannot apply a scenario's limits", run: () => actions.applyScenarioLimitsAction({ scenarioId: savedId }) },
  ])("$title, and nothing changes", async ({ run }) => {
    as("marketer");
    const before = await counts();
    expect(await run()).toEqual({ ok: false, message: "Only managers and administrators may change limits, reserved shares or periods." });
    expect(await counts()).toEqual(before);
  });

  test("a manager applies the saved limits in one audited change", async () => {
    as("manager");
    const answer = await actions.applyScenarioLimitsAction({ scenarioId: savedId });
    expect(answer).toMatchObject({ ok: true, data: { changed: [{ key: "call_slots", before: { limit: 5 }, after: { limit: 8 } }] } });
    const audit = await pool.query(`SELECT action, "actorLabel", "entityId" FROM "AuditLog" WHERE action = 'scenario.apply'`);
    expect(audit.rows).toEqual([{ action: "scenario.apply", actorLabel: "Someone (manager)", entityId: savedId }]);
    expect((await counts()).limit).toBe(8);
  });
});
