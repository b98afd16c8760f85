import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { scenarioChangesSchema } from "../agents/scenario/scenario";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { AppError } from "../errors";
import { createRun, executeRun } from "./runs";
import { createPgCapacityStore } from "./pg-capacity-store";
import { applyScenarioLimits, planScenarios, saveScenario } from "./scenario";
import { insertCatalog, insertCustomers, insertPermissions } from "./testing/fixtures";

let db: TestDatabase;
let pool: pg.Pool;
let ids: string[];

/** Every row a run or a review could write, so a dry plan can be shown to leave them all alone. */
const snapshot = async () => {
  const { rows } = await pool.query(
    `SELECT (SELECT count(*) FROM "Recommendation")::int AS recommendations, (SELECT count(*) FROM "Allocation")::int AS allocations,
            (SELECT count(*) FROM "AuditLog")::int AS audit, (SELECT count(*) FROM "CustomerInsight")::int AS insights,
            (SELECT count(*) FROM "Run")::int AS runs,
            (SELECT json_agg(json_build_object('key', key, 'limit', "limit", 'used', used, 'held', held, 'version', version) ORDER BY key) FROM "ResourceConstraint") AS counters`,
  );
  return rows[0];
};
const changes = (input: unknown) => scenarioChangesSchema.parse(input);
const callReach = (s: { treatments: { key: string; customers: number }[] }) => s.treatments.find((t) => t.key === "retention_call")?.customers;

beforeAll(async () => {
  db = await createTestDatabase();
  await insertCatalog(db.url, { limits: { call_slots: 10 } });
  ids = await insertCustomers(db.url, { count: 30, highValueEvery: 5 });
  await insertPermissions(db.url, ids);
  // Ten pending calls hold every slot, all of them for the first ten customers.
  const run = await createRun(pool0(), { scope: { customerIds: ids.slice(0, 10) }, policy: "rules" });
  await executeRun(pool0(), { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null });
});
afterAll(async () => {
  await pool?.end();
  await db.drop();
});
function pool0() {
  pool ??= new pg.Pool({ connectionString: db.url, max: 8 });
  return pool;
}

describe("planScenarios on PostgreSQL", () => {
  test("writes no decision, no hold, no insight and no audit entry, and leaves every counter as it was", async () => {
    const before = await snapshot();
    expect(before).toMatchObject({ recommendations: 10, counters: [{ key: "call_slots", used: 10, held: 10 }, { key: "sms_quota" }] });
    await planScenarios(pool0(), { scope: {}, variants: [{ name: "More calls", changes: changes({ resources: [{ key: "call_slots", limit: 20 }] }) }] });
    expect(await snapshot()).toEqual(before);
  });

  test.each([
    { title: "everyone: the ten holds come back to the plan, so 10 slots reach 10 and 20 reach 20", scope: () => ({}), limit: 20, current: 10, scenario: 20 },
    { title: "a segment without the holders: others hold all 10 slots, so none is left until the limit rises to 15", scope: () => ({ customerIds: ids.slice(10) }), limit: 15, current: 0, scenario: 5 },
    { title: "a limit lowered to 4 takes six calls away from everyone", scope: () => ({}), limit: 4, current: 10, scenario: 4 },
  ])("$title", async ({ scope, limit, current, scenario }) => {
    const result = await planScenarios(pool0(), { scope: scope(), variants: [{ name: "Limit", changes: changes({ resources: [{ key: "call_slots", limit }] }) }] });
    const planned = result.scenarios[0]!;
    expect(callReach(result.current)).toBe(current);
    expect(callReach(planned.summary)).toBe(scenario);
    expect(planned.comparison.reach.find((r) => r.key === "retention_call")?.delta).toBe(scenario - current);
    expect(Math.sign(planned.comparison.totalValue.delta)).toBe(Math.sign(scenario - current));
    expect(planned.comparison.customersChanged).toBe(Math.abs(scenario - current));
    expect(result.scope).toMatchObject({ isSampled: false, failed: 0 });
  });

  test("a deactivated call and a dearer SMS are compared with the same decisions in one plan each", async () => {
    const result = await planScenarios(pool0(), {
      scope: {},
      variants: [
        { name: "No calls", changes: changes({ treatments: [{ key: "retention_call", isActive: false }] }) },
        { name: "Dear SMS", changes: changes({ treatments: [{ key: "retention_sms", costPerContact: 2.5 }] }) },
      ],
    });
    const [noCalls, dearSms] = result.scenarios;
    expect(callReach(noCalls!.summary)).toBeUndefined();
    expect(noCalls!.comparison.reach.find((r) => r.key === "retention_call")).toMatchObject({ current: 10, scenario: 0, delta: -10 });
    expect(noCalls!.comparison.totalValue.delta).toBeLessThan(0);
    // Every SMS costs £2 more: the value falls by £2 per SMS still sent, or more where email wins instead.
    const sms = result.current.treatments.find((t) => t.key === "retention_sms")!.customers;
    expect(dearSms!.comparison.totalValue.delta).toBeLessThanOrEqual(-0.01);
    expect(dearSms!.comparison.totalValue.delta).toBeGreaterThanOrEqual(-2 * sms - 0.01);
  });

  test("a scope larger than the cap is planned on an even sample with capacity cut to the same share, and says so", async () => {
    const result = await planScenarios(pool0(), { scope: {}, maxCustomers: 15, variants: [{ name: "Same", changes: changes({}) }] });
    expect(result.scope).toMatchObject({ total: 30, planned: 15, isSampled: true });
    expect(result.sampleNote).toContain("Estimated from 15 of 30 customers");
    expect(callReach(result.current)).toBe(10);
    expect(result.current.customers).toBe(30);
  });

  test.each([
    { title: "a reserve above the new limit", input: { resources: [{ key: "call_slots", limit: 2, reservedHighValue: 3 }] }, message: "Call-centre slots: the high-value reserve (3) cannot be larger than the limit (2)." },
    { title: "an unknown treatment", input: { treatments: [{ key: "fax", isActive: true }] }, message: 'There is no treatment "fax".' },
  ])("refuses $title before deciding anyone", async ({ input, message }) => {
    const refusal = planScenarios(pool0(), { scope: {}, variants: [{ name: "Bad", changes: changes(input) }] });
    await expect(refusal).rejects.toBeInstanceOf(AppError);
    await expect(refusal).rejects.toMatchObject({ userMessage: message });
  });
});

describe("saved scenarios", () => {
  const actor = { id: null, label: "Maya Patel (manager)" };
  const auditOf = async (action: string) => (await pool0().query(`SELECT "entityId", before, after FROM "AuditLog" WHERE action = $1 ORDER BY id`, [action])).rows;

  test("saving twice under one name keeps one scenario, each save audited with what it replaced", async () => {
    const first = await saveScenario(pool0(), { actor, input: { name: "Busy week", changes: { resources: [{ key: "call_slots", limit: 12 }] } } });
    const second = await saveScenario(pool0(), { actor, input: { name: "Busy week", changes: { resources: [{ key: "call_slots", limit: 14 }] }, scope: { valueTier: "premium" } } });
    expect([first.isNew, second.isNew, second.id]).toEqual([true, false, first.id]);
    const audit = await auditOf("scenario.save");
    expect(audit.map((a) => [a.before?.changes.resources[0].limit ?? null, a.after.changes.resources[0].limit])).toEqual([
      [null, 12],
      [12, 14],
    ]);
  });

  test.each([
    { title: "applies a limit above what is committed and a new reserve in one audited change", limit: 14, reserve: 2, counters: { limit: 14, reservedHighValue: 2 }, refusal: null },
    { title: "refuses a limit one below what is held, naming the Constraints screen, and changes nothing", limit: 9, reserve: 0, counters: { limit: 10, reservedHighValue: 0 }, refusal: "Lower it on the Constraints screen" },
  ])("$title", async ({ limit, reserve, counters, refusal }) => {
    await pool0().query(`UPDATE "ResourceConstraint" SET "limit" = 10, "reservedHighValue" = 0 WHERE key = 'call_slots'`);
    const { id } = await saveScenario(pool0(), { actor, input: { name: `Apply ${limit}`, changes: { resources: [{ key: "call_slots", limit, reservedHighValue: reserve }] } } });
    const applying = applyScenarioLimits({ pool: pool0(), store: createPgCapacityStore(pool0()), actor, scenarioId: id });
    if (refusal) await expect(applying).rejects.toMatchObject({ userMessage: expect.stringContaining(refusal) });
    else expect((await applying).changed).toHaveLength(1);
    const stored = (await pool0().query(`SELECT "limit", "reservedHighValue" FROM "ResourceConstraint" WHERE key = 'call_slots'`)).rows[0];
    expect(stored).toEqual(counters);
    const audit = (await auditOf("scenario.apply")).filter((a) => a.entityId === id);
    expect(audit).toEqual(refusal ? [] : [{ entityId: id, before: { call_slots: { limit: 10, reservedHighValue: 0 } }, after: { scenario: `Apply ${limit}`, call_slots: counters } }]);
  });
});
