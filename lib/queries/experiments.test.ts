// The experiments section's numbers against PostgreSQL: decisions, treated, value and retention per arm.
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { createExperiment } from "../pipeline/experiments";
import { insertCatalog, insertCustomers, insertRun } from "../pipeline/testing/fixtures";
import { listExperimentSummaries } from "./experiments";

describe("listExperimentSummaries", () => {
  const ctx = usePoolPerTest({ max: 3 });

  test("each arm counts its decisions, the treated ones, their expected value and who stayed at 90 days", async () => {
    const { db, pool } = ctx;
    await insertCatalog(db.url);
    const created = await createExperiment(pool, {
      input: { key: "model-trial", name: "Model trial", arms: [{ key: "rules", share: 0.5, policy: "rules" }, { key: "model", share: 0.5, policy: "llm" }], startsAt: "2026-12-01T00:00:00Z", endsAt: null, stoppedAt: null },
      actor: { id: null, label: "test" },
    });
    expect(created.ok).toBe(true);
    const runId = await insertRun(db.url);
    const customers = await insertCustomers(db.url, { count: 5 });
    // Arm "model": 3 decisions, 2 approved (£10 and £20), one with an outcome (stayed); arm "rules": 2, no action.
    const decisions = [
      { arm: "model", status: "approved", value: 10, stayed: true },
      { arm: "model", status: "approved", value: 20, stayed: null },
      { arm: "model", status: "no_action", value: 0, stayed: null },
      { arm: "rules", status: "no_action", value: 0, stayed: null },
      { arm: "rules", status: "no_action", value: 0, stayed: null },
    ];
    for (const [i, d] of decisions.entries()) {
      const id = randomUUID();
      await pool.query(
        `INSERT INTO "Recommendation" (id, "runId", "customerId", status, "treatmentKey", policy, rationale, confidence, "expectedValue", "permissionStatement", "experimentKey", "experimentArm", "updatedAt")
         VALUES ($1, $2, $3, $4::"RecommendationStatus", $5, 'rules', 'test', 0.5, $6, 'test', 'model-trial', $7, now())`,
        [id, runId, customers[i], d.status, d.status === "approved" ? "retention_call" : null, d.value, d.arm],
      );
      if (d.stayed !== null) {
        await pool.query(`INSERT INTO "Outcome" (id, "recommendationId", "contactMade", "stayed90d", source, "recordedAt", "updatedAt") VALUES ($1, $2, false, $3, 'simulator', now(), now())`, [randomUUID(), id, d.stayed]);
      }
    }
    const [summary] = await listExperimentSummaries(pool);
    expect(summary).toMatchObject({ key: "model-trial" });
    expect(summary!.arms.map(({ key, decisions, treated, expectedValueGbp, outcomes, retained }) => ({ key, decisions, treated, expectedValueGbp, outcomes, retained }))).toEqual([
      { key: "rules", decisions: 2, treated: 0, expectedValueGbp: 0, outcomes: 0, retained: 0 },
      { key: "model", decisions: 3, treated: 2, expectedValueGbp: 30, outcomes: 1, retained: 1 },
    ]);
  });
});
