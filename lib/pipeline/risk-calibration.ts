// Refits the churn-risk calibration from what happened to customers who got no treatment: the
// held-out customers, whose 90-day outcome reflects the risk as scored when they were decided
// (read from the journey step of the decision's trace). A treated customer's churn was lowered on
// purpose, so counting them would read as over-prediction.
import type pg from "pg";
import { type Calibration, type Recalibration, recalibrateFromOutcomes } from "../agents/journey/calibration";
import { RISK_CALIBRATION, setRiskCalibrationInForce } from "../agents/journey/risk";
import { decisionStepsSql } from "./decision-trace";

/**
 * The calibration the recorded held-out outcomes support, composed with `current` (default the
 * fitted one); `ok: false` with the reason while they are too few. Nothing is stored here:
 * refreshRiskCalibration stores and applies it.
 */
export async function recalibrateChurnRisk(pool: pg.Pool | pg.PoolClient, opts: { current?: Calibration; minOutcomes?: number } = {}): Promise<Recalibration> {
  const { rows } = await pool.query<{ risk: number; stayed: boolean }>(
    `SELECT (s->'response'->'data'->'metrics'->>'churnRisk')::float8 AS risk, o."stayed90d" AS stayed
       FROM "Outcome" o JOIN "Recommendation" r ON r.id = o."recommendationId"
      CROSS JOIN LATERAL json_array_elements(${decisionStepsSql("r")}) s
      WHERE r."heldOutFrom" IS NOT NULL AND o."stayed90d" IS NOT NULL
        AND s->>'type' = 'analyze_journey' AND s->'response'->'data'->'metrics'->>'churnRisk' IS NOT NULL`,
  );
  return recalibrateFromOutcomes({
    current: opts.current ?? RISK_CALIBRATION,
    observations: rows.filter((r) => Number.isFinite(r.risk)).map((r) => ({ risk: r.risk, hasLeft: !r.stayed })),
    windowMonths: 3,
    minOutcomes: opts.minOutcomes,
  });
}

/** Which calibration the risk score applies, and on what evidence. */
export type CalibrationInForce =
  | { source: "file"; calibration: Calibration }
  | { source: "outcomes"; calibration: Calibration; outcomes: number; leavers: number; fittedAt: Date };

/** The stored outcome calibration, or the churn file's while none is stored. */
export async function loadRiskCalibration(pool: pg.Pool | pg.PoolClient): Promise<CalibrationInForce> {
  const { rows } = await pool.query<{ intercept: number; slope: number; outcomes: number; leavers: number; fittedAt: Date }>(
    `SELECT intercept, slope, outcomes, leavers, "fittedAt" FROM "RiskCalibration" WHERE key = 'outcomes'`,
  );
  const row = rows[0];
  if (!row) return { source: "file", calibration: RISK_CALIBRATION };
  return { source: "outcomes", calibration: { intercept: row.intercept, slope: row.slope }, outcomes: row.outcomes, leavers: row.leavers, fittedAt: row.fittedAt };
}

/** Loads the calibration in force and makes the risk score of this process apply it. */
export async function applyStoredRiskCalibration(pool: pg.Pool | pg.PoolClient): Promise<CalibrationInForce> {
  const inForce = await loadRiskCalibration(pool);
  setRiskCalibrationInForce(inForce.source === "outcomes" ? inForce.calibration : null);
  return inForce;
}

/**
 * Refits the calibration from held-out outcomes and stores it once there are at least
 * `minOutcomes` (default MIN_RECALIBRATION_OUTCOMES, 200) with leavers and stayers among them;
 * below that the stored one is removed and the file's applies. The risks read were scored with the
 * file's calibration or an earlier outcome one; the refit is composed with the file's, so refreshing
 * on the same outcomes gives the same answer rather than applying itself twice.
 */
export async function refreshRiskCalibration(pool: pg.Pool, opts: { now?: Date; minOutcomes?: number } = {}): Promise<CalibrationInForce> {
  const refit = await recalibrateChurnRisk(pool, { current: RISK_CALIBRATION, ...(opts.minOutcomes !== undefined ? { minOutcomes: opts.minOutcomes } : {}) });
  if (refit.ok) {
    await pool.query(
      `INSERT INTO "RiskCalibration" (key, intercept, slope, outcomes, leavers, "fittedAt") VALUES ('outcomes', $1, $2, $3, $4, $5)
       ON CONFLICT (key) DO UPDATE SET intercept = EXCLUDED.intercept, slope = EXCLUDED.slope, outcomes = EXCLUDED.outcomes, leavers = EXCLUDED.leavers, "fittedAt" = EXCLUDED."fittedAt"`,
      [refit.calibration.intercept, refit.calibration.slope, refit.outcomes, refit.leavers, opts.now ?? new Date()],
    );
  } else {
    await pool.query(`DELETE FROM "RiskCalibration" WHERE key = 'outcomes'`);
  }
  return applyStoredRiskCalibration(pool);
}
