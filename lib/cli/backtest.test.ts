// `npm run backtest` end to end on a world small enough for the test run: its own PostgreSQL, both
// worlds' days, the churn model on the Telco file, and the JSON object the issue's targets are read from.
import { spawnSync } from "node:child_process";
import { expect, test } from "vitest";

test("a short backtest prints every target's figure; before anything is learned both worlds decide alike and earn the same", () => {
  const result = spawnSync(process.execPath, ["--import", "tsx", "lib/cli/backtest.ts", "--days", "6", "--customers", "300", "--per-day", "20", "--json"], { encoding: "utf8", timeout: 180_000 });
  expect(result.status, result.stderr).toBe(0);
  const json = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
  expect(json).toMatchObject({ days: 6, customers: 300, seed: expect.any(Number), decisions_differing: 0, learned_over_catalog_value: 1, learned_effects_in_use: 0 });
  for (const key of ["lift_ci_coverage", "learned_over_catalog_value", "churn_auc_holdout", "churn_calibration_max_gap"]) expect(json).toHaveProperty(key);
  // The churn model's figures are those of the fitted weights on the Telco file (cross-fitted, see weights.ts).
  expect(json.churn_auc_holdout).toBeCloseTo(0.847, 3);
  expect(json.churn_calibration_max_gap).toBeLessThanOrEqual(0.03);
  expect(json.value_learned_gbp).toBe(json.value_catalog_gbp);
  expect(result.stderr).toMatch(/\[backtest\] The same \d+ customers and days: 0 decided differently/);
}, 200_000);
