import pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { segmentFeatures } from "@/lib/agents/segmentation/messages";
import type { Actor, Role } from "@/lib/auth/roles";
import { DEMO_ACTOR } from "@/lib/auth/testing";
import { createSegment } from "@/lib/pipeline/segments";
import { insertCustomers } from "@/lib/pipeline/testing/fixtures";
import { openActionTest } from "@/lib/testing/action-test";

vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));

let currentActor: Actor = DEMO_ACTOR;
vi.mock("@/lib/session/actor", () => ({ getCurrentActor: async () => currentActor }));

let pool: pg.Pool;
let actions: typeof import("./actions");
let close: () => Promise<void>;
let ruleId = "";
let foundId = "";

/** Customers T-0001..T-0020 with churn risk i / 20 (0.05 .. 1.0). */
async function seed({ url, pool }: { url: string; pool: pg.Pool }) {
  await insertCustomers(url, { count: 20 });
  await pool.query(
    `INSERT INTO "CustomerInsight" ("customerId", "churnRisk", "lifetimeValue", "valueTier", "monthlyRevenue", "tenureMonths", "complaintCount",
        "complaintsLast90Days", "incidentsLast90Days", "latePayments", "missedPayments", patterns, "asOf", "updatedAt")
     SELECT id, substr(id, 3)::int / 20.0, 500, 'medium', 40, 12, 0, 0, 0, 0, 0, ARRAY[]::text[], now(), now() FROM "Customer"`,
  );
  const actor = { id: null, label: "Manager" };
  ruleId = (await createSegment(pool, { segment: { name: "At risk", kind: "rule", rule: { minRisk: 0.5 } }, actor })).id;
  const d = segmentFeatures.length;
  const model = { features: [...segmentFeatures], means: Array<number>(d).fill(0), scales: Array<number>(d).fill(1), centroids: [Array<number>(d).fill(0), Array<number>(d).fill(1)] };
  foundId = (await createSegment(pool, { segment: { name: "Found group", kind: "found", model, modelIndex: 0, description: "Found group: 20 customers" }, actor })).id;
}

beforeAll(async () => {
  ({ pool, actions, close } = await openActionTest({ load: () => import("./actions"), seed }));
});
afterAll(() => close());

const as = (role: Role) => {
  currentActor = { ...DEMO_ACTOR, role, label: `Someone (${role})` };
};
const members = async (id: string) => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "SegmentMember" WHERE "segmentId" = $1`, [id])).rows[0]?.n;
const state = async () =>
  (
    await pool.query(
      `SELECT (SELECT rule FROM "Segment" WHERE id = $1) AS rule, (SELECT name FROM "Segment" WHERE id = $1) AS name,
              (SELECT count(*)::int FROM "SegmentMember" WHERE "segmentId" = $1) AS members, (SELECT count(*)::int FROM "AuditLog") AS audit`,
      [ruleId],
    )
  ).rows[0];

describe("editing a rule segment's rule", () => {
  test("a manager's valid edit replaces the rule, rewrites the members and the size, and audits the rule and size before and after", async () => {
    as("manager");
    expect(await members(ruleId)).toBe(11);
    const answer = await actions.updateSegmentAction({ id: ruleId, name: "At high risk", rule: { minRisk: 0.8, maxRisk: 0.95 } });
    expect(answer).toEqual({ ok: true, data: { description: "Churn risk 80–95%: 4 customers, churn risk 88%" } });
    expect(await members(ruleId)).toBe(4);
    const { rows: sizes } = await pool.query<{ size: number }>(`SELECT size FROM "SegmentSize" WHERE "segmentId" = $1 AND day = current_date`, [ruleId]);
    expect(sizes[0]?.size).toBe(4);
    const { rows } = await pool.query(`SELECT before, after FROM "AuditLog" WHERE action = 'segment.update' AND "entityId" = $1 ORDER BY id DESC LIMIT 1`, [ruleId]);
    expect(rows[0]).toMatchObject({
      before: { name: "At risk", rule: { minRisk: 0.5 }, size: 11 },
      after: { name: "At high risk", rule: { minRisk: 0.8, maxRisk: 0.95 }, size: 4 },
    });
  });

  test.each([
    { field: "rule.minRisk", input: { name: "At high risk", rule: { minRisk: 1.5 } } },
    { field: "rule.maxRisk", input: { name: "At high risk", rule: { minRisk: 0.6, maxRisk: 0.4 } } },
    { field: "rule.maxTenureMonths", input: { name: "At high risk", rule: { minTenureMonths: 24, maxTenureMonths: 12 } } },
    { field: "rule.patterns.0", input: { name: "At high risk", rule: { patterns: ["grumpy"] } } },
    { field: "rule.metrics.0.metric", input: { name: "At high risk", rule: { metrics: [{ metric: "shoeSize", op: "gte", value: 1 }] } } },
    { field: "rule.regions", input: { name: "At high risk", rule: { regions: [] } } },
    { field: "rule", input: { name: "At high risk", rule: {} } },
    { field: "name", input: { name: "x", rule: { minRisk: 0.5 } } },
  ])("refuses a bad $field, naming it, and changes nothing", async ({ field, input }) => {
    as("manager");
    const before = await state();
    const answer = await actions.updateSegmentAction({ id: ruleId, ...input });
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(Object.keys(answer.fieldErrors ?? {})).toContain(field);
    expect(await state()).toEqual(before);
  });

  test("refuses to give a found segment a rule, and keeps its members", async () => {
    as("manager");
    const before = await members(foundId);
    const answer = await actions.updateSegmentAction({ id: foundId, name: "Found group", rule: { minRisk: 0.5 } });
    expect(answer).toMatchObject({ ok: false, message: expect.stringContaining("found segment has no rule to edit") });
    expect(await members(foundId)).toBe(before);
  });

  test.each(["marketer", "viewer"] as const)("a %s may not edit a rule, and nothing changes", async (role) => {
    as(role);
    const before = await state();
    const answer = await actions.updateSegmentAction({ id: ruleId, name: "Mine now", rule: { minRisk: 0.1 } });
    expect(answer).toMatchObject({ ok: false, message: "Only managers and administrators may save, change or delete segments." });
    expect(await state()).toEqual(before);
  });
});
