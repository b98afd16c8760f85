import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { insertCatalog } from "@/lib/pipeline/testing/fixtures";
import { type Actor, PERMISSIONS } from "@/lib/auth/roles";
import { DEMO_ACTOR } from "@/lib/auth/testing";
import { openActionTest } from "@/lib/testing/action-test";

const { revalidatePath } = vi.hoisted(() => ({ revalidatePath: vi.fn() }));
vi.mock("next/cache", () => ({ revalidatePath, revalidateTag: vi.fn() }));

let currentActor: Actor = DEMO_ACTOR;
vi.mock("@/lib/session/actor", () => ({ getCurrentActor: async () => currentActor }));

let pool: pg.Pool;
let actions: typeof import("./actions");
let close: () => Promise<void>;

beforeAll(async () => {
  ({ pool, actions, close } = await openActionTest({ load: () => import("./actions"), seed: ({ url }) => insertCatalog(url) }));
});
afterAll(() => close());
beforeEach(async () => {
  currentActor = DEMO_ACTOR;
  revalidatePath.mockClear();
  await pool.query(`TRUNCATE "AuditLog"`);
  await pool.query(`UPDATE "ResourceConstraint" SET "limit" = 40, used = 37, held = 7, "reservedHighValue" = 0 WHERE key = 'call_slots'`);
});

const row = async () => (await pool.query(`SELECT "limit", used, held, "reservedHighValue", "periodStart" FROM "ResourceConstraint" WHERE key = 'call_slots'`)).rows[0];
const audit = async () => (await pool.query(`SELECT "actorId", "actorLabel", action, before, after, reason FROM "AuditLog" ORDER BY id`)).rows;

describe("updateConstraintAction", () => {
  test("sets new values, records the current actor and refreshes the screen", async () => {
    const result = await actions.updateConstraintAction({ resourceKey: "call_slots", limit: "45", reservedHighValue: "4", reason: "Extra staff" });
    expect(result).toMatchObject({ ok: true, data: { isChanged: true, after: { limit: 45, reservedHighValue: 4 } } });
    expect(await row()).toMatchObject({ limit: 45, reservedHighValue: 4 });
    expect(await audit()).toEqual([
      {
        actorId: DEMO_ACTOR.id,
        actorLabel: DEMO_ACTOR.label,
        action: "constraint.update",
        before: { limit: 40, reservedHighValue: 0 },
        after: { limit: 45, reservedHighValue: 4 },
        reason: "Extra staff",
      },
    ]);
    expect(revalidatePath).toHaveBeenCalledWith("/constraints");
  });

  test("submitting the same values twice answers No change the second time and logs once", async () => {
    const input = { resourceKey: "call_slots", limit: 50, reservedHighValue: 0 };
    await actions.updateConstraintAction(input);
    const second = await actions.updateConstraintAction(input);
    expect(second).toEqual({ ok: true, data: { isChanged: false, resourceKey: "call_slots", message: "No change: Call-centre slots already has these values." } });
    expect(await audit()).toHaveLength(1);
  });

  test("refuses a limit below what is committed with the numbers, and changes nothing", async () => {
    const result = await actions.updateConstraintAction({ resourceKey: "call_slots", limit: 36, reservedHighValue: 0 });
    const message = "The limit cannot go below 37: 30 are confirmed and 7 are held awaiting review.";
    expect(result).toEqual({ ok: false, message, fieldErrors: { limit: [message] } });
    expect(await row()).toMatchObject({ limit: 40 });
    expect(await audit()).toEqual([]);
  });

  test.each([
    { input: { resourceKey: "call_slots", limit: "", reservedHighValue: 0 }, field: "limit", message: "The limit is required." },
    { input: { resourceKey: "call_slots", limit: "4.5", reservedHighValue: 0 }, field: "limit", message: "The limit must be a whole number." },
    { input: { resourceKey: "call_slots", limit: 50, reservedHighValue: 51 }, field: "reservedHighValue", message: "The high-value reserve cannot be larger than the limit." },
    { input: null, field: "input", message: expect.stringMatching(/no fields/i) },
  ])("refuses $input with a message on its field and changes nothing", async ({ input, field, message }) => {
    const result = await actions.updateConstraintAction(input);
    expect(result).toMatchObject({ ok: false, fieldErrors: { [field]: [message] } });
    expect(await row()).toMatchObject({ limit: 40, reservedHighValue: 0 });
    expect(await audit()).toEqual([]);
  });

  test("an unknown resource is refused by name", async () => {
    expect(await actions.updateConstraintAction({ resourceKey: "no_such", limit: 1, reservedHighValue: 0 })).toEqual({
      ok: false,
      message: 'There is no resource "no_such".',
    });
  });

  test.each(["viewer", "marketer"] as const)("a %s may not change limits", async (role) => {
    currentActor = { id: null, label: `Someone (${role})`, role };
    const result = await actions.updateConstraintAction({ resourceKey: "call_slots", limit: 99, reservedHighValue: 0 });
    expect(result).toEqual({ ok: false, message: PERMISSIONS["constraints.manage"].refusal });
    expect(await row()).toMatchObject({ limit: 40 });
  });
});

describe("resetConstraintPeriodAction", () => {
  test("starts a new period once, even when submitted twice with the same period start", async () => {
    const { periodStart } = await row();
    const input = { resourceKey: "call_slots", expectedPeriodStart: periodStart.toISOString(), reason: "Monday" };
    const first = await actions.resetConstraintPeriodAction(input);
    const second = await actions.resetConstraintPeriodAction(input);
    expect(first).toMatchObject({ ok: true, data: { isReset: true, before: { confirmed: 30, held: 7 }, after: { used: 7, held: 7 } } });
    expect(second).toMatchObject({ ok: true, data: { isReset: false, message: "No change: a new period of Call-centre slots had already started." } });
    expect(await row()).toMatchObject({ used: 7, held: 7 });
    expect(await audit()).toMatchObject([{ actorId: DEMO_ACTOR.id, action: "constraint.reset_period", reason: "Monday" }]);
  });

  test("a marketer may not reset a period", async () => {
    currentActor = { id: null, label: "Ravi (marketer)", role: "marketer" };
    const { periodStart } = await row();
    const result = await actions.resetConstraintPeriodAction({ resourceKey: "call_slots", expectedPeriodStart: periodStart.toISOString() });
    expect(result).toEqual({ ok: false, message: PERMISSIONS["constraints.manage"].refusal });
    expect(await audit()).toEqual([]);
  });

  test("refuses a missing period start", async () => {
    const result = await actions.resetConstraintPeriodAction({ resourceKey: "call_slots" });
    expect(result).toMatchObject({ ok: false, fieldErrors: { expectedPeriodStart: [expect.any(String)] } });
  });
});
