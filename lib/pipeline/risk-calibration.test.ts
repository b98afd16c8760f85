// Recalibration from held-out outcomes against PostgreSQL: the risks scored at decision time are
// read from the decisions' traces, and a score that over-predicts is pulled down.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { RISK_CALIBRATION, churnRisk, riskCalibrationInForce, setRiskCalibrationInForce } from "../agents/journey/risk";
import { loadCatalog } from "./catalog";
import { loadRiskCalibration, recalibrateChurnRisk, refreshRiskCalibration } from "./risk-calibration";
import { insertCatalog, insertCustomers, insertRun } from "./testing/fixtures";

describe("recalibrateChurnRisk", () => {
  const ctx = usePoolPerTest({ max: 3 });

  async function heldOut(outcomes: { risk: number; stayed: boolean }[]) {
    const { db, pool } = ctx;
    await insertCatalog(db.url);
    const runId = await insertRun(db.url);
    const customers = await insertCustomers(db.url, { count: outcomes.length });
    for (const [i, o] of outcomes.entries()) {
      const id = randomUUID();
      const steps = [{ agent: "journey", type: "analyze_journey", message: {}, response: { ok: true, type: "analyze_journey", data: { metrics: { churnRisk: o.risk }, patterns: [] } } }];
      // Every other decision as a run keeps it now (its steps in DecisionTrace), the rest as older
      // decisions were kept (every step in the recommendation's trace, under "steps").
      const isKeptApart = i % 2 === 1;
      if (isKeptApart) await pool.query(`INSERT INTO "DecisionTrace" ("runId", "customerId", steps) VALUES ($1, $2, $3::json)`, [runId, customers[i], JSON.stringify(steps)]);
      const trace = { steps: isKeptApart ? [] : steps };
      await pool.query(
        `INSERT INTO "Recommendation" (id, "runId", "customerId", status, policy, rationale, confidence, "expectedValue", "permissionStatement", "heldOutFrom", trace, "updatedAt")
         VALUES ($1, $2, $3, 'no_action', 'rules', 'test', 0.5, 0, 'test', 'retention_call', $4::json, now())`,
        [id, runId, customers[i], JSON.stringify(trace)],
      );
      await pool.query(`INSERT INTO "Outcome" (id, "recommendationId", "contactMade", "stayed90d", source, "recordedAt", "updatedAt") VALUES ($1, $2, false, $3, 'simulator', now(), now())`, [randomUUID(), id, o.stayed]);
    }
  }

  test.each([
    { title: "9 outcomes, one short of 10, keep the current calibration", count: 9, isRefitted: false },
    { title: "40 outcomes of customers scored 60% of whom 1 in 10 left in 90 days pull the intercept down", count: 40, isRefitted: true },
  ])("$title", async ({ count, isRefitted }) => {
    // A 60% yearly risk means about 20% leave within 90 days; 10% leaving says the score is too high.
    await heldOut(Array.from({ length: count }, (_, i) => ({ risk: 0.6, stayed: i % 10 !== 0 })));
    const current = { intercept: 0, slope: 1 };
    const result = await recalibrateChurnRisk(ctx.pool, { current, minOutcomes: 10 });
    expect(result.ok).toBe(isRefitted);
    if (isRefitted) expect(result.calibration.intercept).toBeLessThan(-0.3);
    else expect(result.calibration).toEqual(current);
  });

  describe("the calibration in force", () => {
    afterEach(() => setRiskCalibrationInForce(null));

    test.each([
      { title: "with no outcomes the risk score keeps the churn file's calibration", count: 0, source: "file" },
      { title: "with 9 held-out outcomes, one short of 10, it still keeps the file's", count: 9, source: "file" },
      { title: "with 10 held-out outcomes, the minimum, the outcomes' calibration is stored and applied", count: 10, source: "outcomes" },
    ])("$title", async ({ count, source }) => {
      if (count === 0) await insertCatalog(ctx.db.url);
      else await heldOut(Array.from({ length: count }, (_, i) => ({ risk: 0.6, stayed: i % 10 !== 0 })));
      const inForce = await refreshRiskCalibration(ctx.pool, { minOutcomes: 10 });
      expect(inForce.source).toBe(source);
      expect((await loadRiskCalibration(ctx.pool)).source).toBe(source);
      const isFile = source === "file";
      expect(riskCalibrationInForce()).toEqual(isFile ? RISK_CALIBRATION : inForce.calibration);
      // The score of a customer the file puts at 60% drops once outcomes say few of them leave.
      const risk = churnRisk({ profileZ: Math.log(0.6 / 0.4) - RISK_CALIBRATION.intercept, journeyZ: 0, latestChurnScore: null });
      if (isFile) expect(risk).toBeCloseTo(1 / (1 + Math.exp(-(RISK_CALIBRATION.intercept + RISK_CALIBRATION.slope * (Math.log(1.5) - RISK_CALIBRATION.intercept)))), 10);
      else expect(risk).toBeLessThan(0.45);
    });

    test("a run's catalog load applies the stored calibration, and its removal goes back to the file's", async () => {
      await insertCatalog(ctx.db.url);
      await ctx.pool.query(`INSERT INTO "RiskCalibration" (key, intercept, slope, outcomes, leavers, "fittedAt") VALUES ('outcomes', -0.5, 0.9, 300, 40, now())`);
      await loadCatalog(ctx.pool);
      expect(riskCalibrationInForce()).toEqual({ intercept: -0.5, slope: 0.9 });
      await refreshRiskCalibration(ctx.pool);
      expect(riskCalibrationInForce()).toEqual(RISK_CALIBRATION);
    });
  });
});
