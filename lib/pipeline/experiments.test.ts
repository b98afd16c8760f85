// Experiments against PostgreSQL: started with their checks, found active by time, stopped, audited,
// and a run's customers decided and stamped by arm.
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { armFor } from "../agents/evaluation/experiments";
import { createExperiment, decideByArm, decideOptionsFor, experimentOfRun, listExperiments, loadActiveExperiment, stampExperimentArms, stopExperiment } from "./experiments";
import { executeRun } from "./runs";
import { insertCatalog, insertCustomers, insertPermissions, insertRun, testCatalog } from "./testing/fixtures";

const manager = { id: null, label: "Experiment test (manager)" };

const input = (overrides: Record<string, unknown> = {}) => ({
  key: "cheaper-sms",
  name: "SMS at half the cost",
  arms: [
    { key: "champion", share: 0.8 },
    { key: "challenger", share: 0.2, catalogEdits: [{ treatmentKey: "retention_sms", costPerContact: 0.25 }] },
  ],
  startsAt: "2026-12-01T00:00:00Z",
  endsAt: null,
  stoppedAt: null,
  ...overrides,
});

describe("experiments", () => {
  const ctx = usePoolPerTest({ max: 3 });

  test("a started experiment is active from its start until stopped, and both changes are audited", async () => {
    await insertCatalog(ctx.db.url);
    const created = await createExperiment(ctx.pool, { input: input(), actor: manager });
    expect(created.ok).toBe(true);
    expect(await loadActiveExperiment(ctx.pool, new Date("2026-11-30T23:59:59Z"))).toBeNull();
    expect((await loadActiveExperiment(ctx.pool, new Date("2026-12-02T00:00:00Z")))?.key).toBe("cheaper-sms");
    expect(await stopExperiment(ctx.pool, { key: "cheaper-sms", actor: manager, at: new Date("2026-12-03T00:00:00Z") })).toBe(true);
    expect(await stopExperiment(ctx.pool, { key: "cheaper-sms", actor: manager })).toBe(false);
    expect(await loadActiveExperiment(ctx.pool, new Date("2026-12-04T00:00:00Z"))).toBeNull();
    expect((await listExperiments(ctx.pool))[0]).toMatchObject({ key: "cheaper-sms", stoppedAt: "2026-12-03T00:00:00.000Z" });
    const { rows } = await ctx.pool.query<{ action: string }>(`SELECT action FROM "AuditLog" WHERE "entityType" = 'Experiment' ORDER BY id`);
    expect(rows.map((r) => r.action)).toEqual(["experiment.create", "experiment.stop"]);
  });

  test.each([
    { title: "an edit of a treatment that does not exist", patch: { arms: [{ key: "a", share: 0.5 }, { key: "b", share: 0.5, catalogEdits: [{ treatmentKey: "nope", expectedEffect: 0.2 }] }] }, field: "arms" },
    { title: "a key already taken", patch: {}, field: "key", isRepeat: true },
    { title: "shares that do not add up to 1", patch: { arms: [{ key: "a", share: 0.5 }, { key: "b", share: 0.6 }] }, field: "arms" },
  ])("refuses $title, naming the field", async ({ patch, field, isRepeat }) => {
    await insertCatalog(ctx.db.url);
    if (isRepeat) await createExperiment(ctx.pool, { input: input(), actor: manager });
    const result = await createExperiment(ctx.pool, { input: input(patch), actor: manager });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.fieldErrors)).toContain(field);
  });

  test("decideOptionsFor gives the run's own settings outside any experiment and the arm's edits inside one", async () => {
    await insertCatalog(ctx.db.url);
    expect(decideOptionsFor("T-0001", null, testCatalog)).toBeNull();
    const created = await createExperiment(ctx.pool, { input: input(), actor: manager });
    if (!created.ok) throw new Error(JSON.stringify(created.fieldErrors));
    const options = Array.from({ length: 40 }, (_, i) => decideOptionsFor(`T-${String(i + 1).padStart(4, "0")}`, created.experiment, testCatalog)!);
    const smsCost = (o: (typeof options)[number]) => o.catalog.find((t) => t.key === "retention_sms")!.costPerContact;
    expect(new Set(options.map((o) => o.experimentArm))).toEqual(new Set(["champion", "challenger"]));
    for (const o of options) expect(smsCost(o)).toBe(o.experimentArm === "challenger" ? 0.25 : 0.5);
  });

  test("a run decides each customer with their arm's settings and its decisions are stamped with the arm", async () => {
    await insertCatalog(ctx.db.url);
    const created = await createExperiment(ctx.pool, { input: input({ startsAt: "2020-01-01T00:00:00Z" }), actor: manager });
    if (!created.ok) throw new Error(JSON.stringify(created.fieldErrors));
    const runId = await insertRun(ctx.db.url);
    const experiment = await experimentOfRun(ctx.pool, runId);
    expect(experiment?.key).toBe("cheaper-sms");
    const customers = await insertCustomers(ctx.db.url, { count: 30 });
    const decide = decideByArm({ experiment, catalog: testCatalog, build: (arm) => (customerId: string) => ({ customerId, arm: arm?.experimentArm, smsCost: arm?.catalog.find((t) => t.key === "retention_sms")?.costPerContact }) });
    const decided = customers.map(decide);
    for (const d of decided) expect(d).toEqual({ customerId: d.customerId, arm: armFor(d.customerId, experiment!).key, smsCost: d.arm === "challenger" ? 0.25 : 0.5 });
    for (const customerId of customers) {
      await ctx.pool.query(
        `INSERT INTO "Recommendation" (id, "runId", "customerId", status, policy, rationale, confidence, "expectedValue", "permissionStatement", "updatedAt")
         VALUES ($1, $2, $3, 'no_action', 'rules', 'test', 0.5, 0, 'test', now())`,
        [randomUUID(), runId, customerId],
      );
    }
    expect(await stampExperimentArms(ctx.pool, { runId, experiment })).toBe(30);
    expect(await stampExperimentArms(ctx.pool, { runId, experiment })).toBe(0);
    const { rows } = await ctx.pool.query<{ customerId: string; experimentKey: string; experimentArm: string }>(`SELECT "customerId", "experimentKey", "experimentArm" FROM "Recommendation" WHERE "runId" = $1`, [runId]);
    for (const r of rows) expect(r).toEqual({ customerId: r.customerId, experimentKey: "cheaper-sms", experimentArm: armFor(r.customerId, experiment!).key });
  });

  test("without an experiment everyone is decided with the run's own settings and nothing is stamped", async () => {
    await insertCatalog(ctx.db.url);
    const runId = await insertRun(ctx.db.url);
    expect(await experimentOfRun(ctx.pool, runId)).toBeNull();
    const decide = decideByArm({ experiment: null, catalog: testCatalog, build: (arm) => () => arm });
    expect(decide("T-0001")).toBeNull();
    expect(await stampExperimentArms(ctx.pool, { runId, experiment: null })).toBe(0);
  });

  test("a run under an experiment decides the challenger's customers with its edited catalog and records each decision's arm", async () => {
    await insertCatalog(ctx.db.url);
    const customers = await insertCustomers(ctx.db.url, { count: 24 });
    await insertPermissions(ctx.db.url, customers);
    // The challenger believes no treatment works, so its customers get no action.
    const nothingWorks = ["retention_call", "retention_sms", "retention_email"].map((treatmentKey) => ({ treatmentKey, expectedEffect: 0 }));
    const created = await createExperiment(ctx.pool, {
      input: input({ key: "nothing-works", arms: [{ key: "champion", share: 0.5 }, { key: "challenger", share: 0.5, catalogEdits: nothingWorks }], startsAt: "2020-01-01T00:00:00Z" }),
      actor: manager,
    });
    if (!created.ok) throw new Error(JSON.stringify(created.fieldErrors));
    const runId = await insertRun(ctx.db.url);
    expect(await executeRun(ctx.pool, { runId, customerIds: customers, policy: "rules", model: null })).not.toBeNull();
    const { rows } = await ctx.pool.query<{ customerId: string; status: string; experimentKey: string | null; experimentArm: string | null }>(
      `SELECT "customerId", status::text, "experimentKey", "experimentArm" FROM "Recommendation" WHERE "runId" = $1`,
      [runId],
    );
    expect(rows).toHaveLength(24);
    for (const r of rows) {
      const arm = armFor(r.customerId, created.experiment).key;
      expect(r).toMatchObject({ experimentKey: "nothing-works", experimentArm: arm });
      if (arm === "challenger") expect(r.status).toBe("no_action");
    }
    expect(rows.some((r) => r.experimentArm === "champion" && r.status === "pending_review")).toBe(true);
  });
});
