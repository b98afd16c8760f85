// Learned effects against PostgreSQL: outcomes of treated and held-out decisions become a
// LearnedEffect row, and the catalog carries it to the policy only with enough evidence.
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { loadCatalog } from "./catalog";
import { refreshLearnedEffects } from "./learned-effects";
import { executeRun } from "./runs";
import { insertCatalog, insertCustomers, insertPermissions, insertRun } from "./testing/fixtures";

type Ctx = ReturnType<typeof usePoolPerTest>;

/**
 * One decision and its outcome per customer: `treated` approved for retention_call (the first
 * `contactsMade` of them reached, default all; their stays at 90 days, or only at 30 with `isTreatedAt30d`), `heldOut` held out from it.
 */
async function record(
  ctx: Ctx,
  opts: { treated: { n: number; retained: number }; heldOut: { n: number; retained: number }; pattern?: { key: string; severity: string }; riskOf?: (isTreated: boolean, index: number) => number; contactsMade?: number; isTreatedAt30d?: boolean },
) {
  const { db, pool } = ctx;
  await insertCatalog(db.url);
  const runId = await insertRun(db.url);
  const customers = await insertCustomers(db.url, { count: opts.treated.n + opts.heldOut.n });
  // The journey step of a decision, with the risk and patterns found then.
  const stepsOf = (risk: number | undefined) =>
    opts.pattern || risk !== undefined
      ? [{ agent: "journey", type: "analyze_journey", message: {}, response: { ok: true, type: "analyze_journey", data: { patterns: opts.pattern ? [{ ...opts.pattern, label: "x", evidence: [] }] : [], ...(risk !== undefined ? { metrics: { churnRisk: risk } } : {}) } } }]
      : [];
  for (const [i, customerId] of customers.entries()) {
    const isTreated = i < opts.treated.n;
    const steps = stepsOf(opts.riskOf?.(isTreated, isTreated ? i : i - opts.treated.n));
    // Every other decision as a run keeps it now (its steps in DecisionTrace, the recommendation's own
    // trace without them), the rest as older decisions were kept (every step under "steps").
    const isKeptApart = i % 2 === 1;
    if (isKeptApart) await pool.query(`INSERT INTO "DecisionTrace" ("runId", "customerId", steps) VALUES ($1, $2, $3::json)`, [runId, customerId, JSON.stringify(steps)]);
    const trace = JSON.stringify({ steps: isKeptApart ? [] : steps });
    const stayed = isTreated ? i < opts.treated.retained : i - opts.treated.n < opts.heldOut.retained;
    const id = randomUUID();
    await pool.query(
      `INSERT INTO "Recommendation" (id, "runId", "customerId", status, "treatmentKey", policy, rationale, confidence, "expectedValue", "permissionStatement", "heldOutFrom", trace, "updatedAt")
       VALUES ($1, $2, $3, $4::"RecommendationStatus", $5, 'rules', 'test', 0.5, 10, 'test', $6, $7::json, now())`,
      [id, runId, customerId, isTreated ? "approved" : "no_action", isTreated ? "retention_call" : null, isTreated ? null : "retention_call", trace],
    );
    await pool.query(
      `INSERT INTO "Outcome" (id, "recommendationId", "contactMade", "stayed30d", "stayed90d", source, "recordedAt", "updatedAt")
       VALUES ($1, $2, $3, $4, $5, 'simulator', now(), now())`,
      [randomUUID(), id, isTreated && i < (opts.contactsMade ?? opts.treated.n), stayed, isTreated && opts.isTreatedAt30d ? null : stayed],
    );
  }
}

describe("refreshLearnedEffects", () => {
  const ctx = usePoolPerTest({ max: 3 });

  test("with no outcomes nothing is learned and the catalog keeps its own effects", async () => {
    await insertCatalog(ctx.db.url);
    expect(await refreshLearnedEffects(ctx.pool)).toEqual([]);
    const catalog = await loadCatalog(ctx.pool);
    expect(catalog.every((t) => t.learned === undefined)).toBe(true);
  });

  test.each([
    { title: "19 treated outcomes, one short of 20, are kept but not used", treated: { n: 19, retained: 15 }, isUsed: false },
    { title: "20 treated outcomes, the minimum, are used", treated: { n: 20, retained: 16 }, isUsed: true },
  ])("$title", async ({ treated, isUsed }) => {
    await record(ctx, { treated, heldOut: { n: 60, retained: 30 } });
    const [effect] = await refreshLearnedEffects(ctx.pool, { spread: 0.5, minOutcomes: 20 });
    expect(effect).toMatchObject({ treatmentKey: "retention_call", catalogEffect: 0.35, outcomes: treated.n, baselineOutcomes: 60, hasEnoughEvidence: isUsed });
    const call = (await loadCatalog(ctx.pool)).find((t) => t.key === "retention_call")!;
    expect(call.expectedEffect).toBe(0.35);
    expect(call.learned !== undefined).toBe(isUsed);
    expect((await loadCatalog(ctx.pool, { learnedEffects: "ignore" })).find((t) => t.key === "retention_call")!.learned).toBeUndefined();
  });

  // Held out churn 50% (30 leavers); the 20 treated would lose 10 and lose 4: a reading of 60% with
  // variance 4/10² + 0.4²/30. The prior is the catalog's 35% times the reach, its variance (0.5 × prior)² + 0.01².
  const posterior = (prior: number, heldOutLeavers: number) => {
    const variance = 4 / 100 + 0.16 / heldOutLeavers;
    const priorVariance = (0.5 * prior) ** 2 + 0.0001;
    return prior + (priorVariance / (priorVariance + variance)) * (0.6 - prior);
  };

  test("shrinks the observed effect towards the catalog's by the prior's weight", async () => {
    await record(ctx, { treated: { n: 20, retained: 16 }, heldOut: { n: 60, retained: 30 } });
    const [effect] = await refreshLearnedEffects(ctx.pool, { spread: 0.5, minOutcomes: 20 });
    expect(effect!.learnedEffect).toBeCloseTo(posterior(0.35, 30), 10);
    const call = (await loadCatalog(ctx.pool)).find((t) => t.key === "retention_call")!;
    expect(call.learned).toEqual({ effect: expect.closeTo(posterior(0.35, 30), 10), outcomes: 20 });
  });

  test.each([
    // Reach (10 made + 20 attempts at the channel's 50%) / 40 = 50%: the prior is 17.5%.
    { title: "half the calls reaching the customer halve the catalog's figure it is shrunk towards", opts: { contactsMade: 10 }, effect: posterior(0.175, 30) },
    { title: "treated customers whose 90 days have not passed count with their 30-day stay", opts: { isTreatedAt30d: true }, effect: posterior(0.35, 30) },
  ])("$title", async ({ opts, effect }) => {
    await record(ctx, { treated: { n: 20, retained: 16 }, heldOut: { n: 60, retained: 30 }, ...opts });
    const [row] = await refreshLearnedEffects(ctx.pool, { spread: 0.5, minOutcomes: 20 });
    expect(row).toMatchObject({ outcomes: 20, learnedEffect: expect.closeTo(effect, 10) });
  });

  test.each([
    { title: "50 held-out outcomes give a baseline, and the treated with a driver pattern their own effect", heldOut: 50, hasRows: true },
    { title: "49 held-out outcomes, one short of 50, teach nothing", heldOut: 49, hasRows: false },
  ])("$title", async ({ heldOut, hasRows }) => {
    await record(ctx, { treated: { n: 20, retained: 16 }, heldOut: { n: heldOut, retained: 25 }, pattern: { key: "port_out_risk", severity: "high" } });
    const effects = await refreshLearnedEffects(ctx.pool, { spread: 0.5, minOutcomes: 20 });
    const patternRow = effects.find((e) => e.patternKey === "port_out_risk");
    expect(patternRow !== undefined).toBe(hasRows);
    expect(effects.length > 0).toBe(hasRows);
    // The prior for customers with a high pattern the call answers is the catalog's base plus its uplift: 35% + 6%.
    if (patternRow) expect(patternRow).toMatchObject({ catalogEffect: expect.closeTo(0.41, 10), outcomes: 20, baselineOutcomes: heldOut, hasEnoughEvidence: true });
    const call = (await loadCatalog(ctx.pool)).find((t) => t.key === "retention_call")!;
    expect(call.learned?.byPattern?.port_out_risk !== undefined).toBe(hasRows);
  });

  test("compares the treated with held-out customers of the same scored risk", async () => {
    // Held out: 30 at risk 0.1 of whom 3 leave, 30 at risk 0.5 of whom 15 leave (30% churn overall).
    // The 20 treated are at risk 0.5 and 4 leave: 20% churn against the 50% of their like, a reading
    // of 60% resting on 18 held-out leavers. Against all held out (30% churn) it would read 33%.
    await record(ctx, { treated: { n: 20, retained: 16 }, heldOut: { n: 60, retained: 42 }, riskOf: (isTreated, i) => (isTreated || (i >= 27 && i < 57) ? 0.5 : 0.1) });
    const [effect] = await refreshLearnedEffects(ctx.pool, { spread: 0.5, minOutcomes: 20 });
    expect(effect!.learnedEffect).toBeCloseTo(posterior(0.35, 18), 10);
  });

  test("a run's decisions use a stored learned effect and say so in their rationale", async () => {
    const { db, pool } = ctx;
    await insertCatalog(db.url);
    const customers = await insertCustomers(db.url, { count: 3 });
    await insertPermissions(db.url, customers);
    await pool.query(
      `INSERT INTO "LearnedEffect" ("treatmentKey", "patternKey", "catalogEffect", "learnedEffect", outcomes, retained, "baselineOutcomes", "baselineRetained", "hasEnoughEvidence", "refreshedAt")
       VALUES ('retention_call', '', 0.35, 0.5, 812, 700, 300, 200, true, now())`,
    );
    const runId = await insertRun(db.url);
    await executeRun(pool, { runId, customerIds: customers, policy: "rules", model: null });
    const { rows } = await pool.query<{ treatmentKey: string | null; rationale: string }>(`SELECT "treatmentKey", rationale FROM "Recommendation" WHERE "runId" = $1`, [runId]);
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r.treatmentKey).toBe("retention_call");
      expect(r.rationale).toContain("50% effect (learned from 812 outcomes; catalog 35%)");
    }
  });
});
