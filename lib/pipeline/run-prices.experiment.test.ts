// Allocation under an experiment comparing greedy and optimal allocation, against PostgreSQL: each
// arm plans and holds within its share of the capacity; any other run plans as it always has.
import { describe, expect, test } from "vitest";
import { type Experiment, armFor } from "../agents/evaluation/experiments";
import type { Outcome } from "../agents/orchestrator";
import { usePoolPerTest } from "../database/testing";
import { createHighsSolver } from "../optimization/highs";
import { createExperiment } from "./experiments";
import { createPgCapacityStore } from "./pg-capacity-store";
import { planRunAllocation, planRunByStrategy } from "./run-prices";
import { executeRun } from "./runs";
import { insertCatalog, insertCustomers, insertPermissions, insertRun, testCatalog } from "./testing/fixtures";

const manager = { id: null, label: "Allocation experiment test (manager)" };
const solver = createHighsSolver();

// What the planner reads of a decided customer: a call worth more than the SMS below it.
const decided = (customerId: string, priority: number, call: number, sms: number): Outcome =>
  ({
    kind: "decided",
    customerId,
    priority,
    isHighValue: false,
    decision: { treatmentKey: "retention_call", isNoAction: false, expectedValue: call, alternatives: [{ treatmentKey: "retention_sms", expectedValue: sms }] },
  }) as unknown as Outcome;

const arms = (allocations: [Experiment["arms"][number]["allocation"], Experiment["arms"][number]["allocation"]]): Experiment => ({
  key: "alloc-ab",
  name: "Greedy against optimal",
  arms: [
    { key: "greedy", share: 0.5, ...(allocations[0] ? { allocation: allocations[0] } : {}) },
    { key: "optimal", share: 0.5, ...(allocations[1] ? { allocation: allocations[1] } : {}) },
  ],
  startsAt: "2020-01-01T00:00:00Z",
  endsAt: null,
  stoppedAt: null,
});

describe("planning a run by strategy", () => {
  const ctx = usePoolPerTest({ max: 3 });
  const outcomes = Array.from({ length: 8 }, (_, i) => decided(`T-${i}`, 100 - i, 50 + 7 * ((i * 5) % 8), 30 + i));

  test.each([
    { title: "plans exactly as the whole-run optimal plan without an experiment", experiment: null },
    { title: "plans exactly as the whole-run optimal plan under an experiment that compares no allocations", experiment: arms([undefined, undefined]) },
  ])("$title", async ({ experiment }) => {
    await insertCatalog(ctx.db.url, { limits: { call_slots: 3 } });
    const store = createPgCapacityStore(ctx.pool);
    const common = { store, runId: "r", outcomes, catalog: testCatalog, isFirstStep: false, solver };
    const today = await planRunAllocation(common);
    const byStrategy = await planRunByStrategy({ ...common, strategy: "optimal", experiment });
    expect(byStrategy?.choices).toEqual(today?.choices);
    expect(byStrategy?.order).toEqual(today?.order);
  });

  test("leaves a greedy run without an experiment to hold in priority order, as before", async () => {
    await insertCatalog(ctx.db.url, { limits: { call_slots: 3 } });
    const plan = await planRunByStrategy({ store: createPgCapacityStore(ctx.pool), runId: "r", outcomes, catalog: testCatalog, isFirstStep: false, strategy: "greedy", experiment: null, solver });
    expect(plan).toBeNull();
  });

  test.each([
    { title: "plans a greedy arm and an optimal arm on 4 free call slots within each arm's share of them", free: 4 },
    { title: "plans no calls for either arm when no call slot is free", free: 0 },
  ])("$title", async ({ free }) => {
    await insertCatalog(ctx.db.url, { limits: { call_slots: free } });
    const experiment = arms(["greedy", "optimal"]);
    const plan = await planRunByStrategy({ store: createPgCapacityStore(ctx.pool), runId: "r", outcomes, catalog: testCatalog, isFirstStep: false, strategy: "optimal", experiment, solver });
    const customersOf = (arm: string) => outcomes.filter((o) => armFor(o.customerId, experiment).key === arm).map((o) => o.customerId);
    const callsOf = (arm: string) => customersOf(arm).filter((id) => plan!.choices.get(id)?.treatmentKey === "retention_call").length;
    const share = (arm: string) => (free * customersOf(arm).length) / outcomes.length;
    for (const arm of ["greedy", "optimal"]) expect(callsOf(arm)).toBeLessThanOrEqual(Math.ceil(share(arm)));
    expect(callsOf("greedy") + callsOf("optimal")).toBeLessThanOrEqual(free);
    expect(plan!.order).toHaveLength(outcomes.length);
  });
});

describe("a run under an experiment of greedy against optimal allocation", () => {
  const ctx = usePoolPerTest({ max: 10 });

  test("holds each arm's call slots within its half of the 4 free, and the optimal arm earns at least what the greedy arm earns from the same customers", async () => {
    await insertCatalog(ctx.db.url, { limits: { call_slots: 4 } });
    const created = await createExperiment(ctx.pool, { input: arms(["greedy", "optimal"]), actor: manager });
    if (!created.ok) throw new Error(JSON.stringify(created.fieldErrors));
    // Six customers in each arm, paired across arms with the same revenue, so the arms differ only by strategy.
    const pool = await insertCustomers(ctx.db.url, { count: 40 });
    const inArm = (arm: string) => pool.filter((id) => armFor(id, created.experiment).key === arm).slice(0, 6);
    const [greedy, optimal] = [inArm("greedy"), inArm("optimal")];
    for (const [i, revenue] of [25, 40, 55, 70, 85, 100].entries()) {
      await ctx.pool.query(`UPDATE "Customer" SET "monthlyRevenue" = $2, "tenureMonths" = $3 WHERE id = ANY($1::text[])`, [[greedy[i], optimal[i]], revenue, 2 + 5 * i]);
    }
    const customers = [...greedy, ...optimal];
    await insertPermissions(ctx.db.url, customers);
    const runId = await insertRun(ctx.db.url);
    expect(await executeRun(ctx.pool, { runId, customerIds: customers, policy: "rules", model: null, batchSize: 5 })).not.toBeNull();

    const { rows } = await ctx.pool.query<{ arm: string; calls: number; value: string }>(
      `SELECT "experimentArm" AS arm, count(*) FILTER (WHERE "treatmentKey" = 'retention_call')::int AS calls, sum("expectedValue") AS value
         FROM "Recommendation" WHERE "runId" = $1 GROUP BY "experimentArm" ORDER BY "experimentArm"`,
      [runId],
    );
    const byArm = Object.fromEntries(rows.map((r) => [r.arm, { calls: r.calls, value: Number(r.value) }]));
    expect(Object.keys(byArm)).toEqual(["greedy", "optimal"]);
    // Every customer wants a call, so each arm fills its half and no more.
    expect([byArm.greedy!.calls, byArm.optimal!.calls]).toEqual([2, 2]);
    // The optimal plan is within 0.1% of the best; the greedy one can be no better than the best.
    expect(byArm.optimal!.value).toBeGreaterThanOrEqual(byArm.greedy!.value * 0.999);
  });
});
