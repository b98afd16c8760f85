// Refits the churn-risk calibration from what happened to customers who got no treatment: the
// held-out customers, whose 90-day outcome reflects the risk as scored when they were decided
// (read from the journey step of the decision's trace). A treated customer's churn was lowered on
// purpose, so counting them would read as over-prediction.
import type pg from "pg";
import { type Calibration, type Recalibration, recalibrateFromOutcomes } from "../agents/journey/calibration";
import { RISK_CALIBRATION } from "../agents/journey/risk";

/**
 * The calibration the recorded held-out outcomes support, composed with `current` (default the
 * fitted one); `ok: false` with the reason while they are too few. Nothing is stored: a caller
 * decides whether to adopt it (for instance by refitting and committing weights.ts).
 */
export async function recalibrateChurnRisk(pool: pg.Pool | pg.PoolClient, opts: { current?: Calibration; minOutcomes?: number } = {}): Promise<Recalibration> {
  const { rows } = await pool.query<{ risk: number; stayed: boolean }>(
    `SELECT (s->'response'->'data'->'metrics'->>'churnRisk')::float8 AS risk, o."stayed90d" AS stayed
       FROM "Outcome" o JOIN "Recommendation" r ON r.id = o."recommendationId"
      CROSS JOIN LATERAL json_array_elements(CASE WHEN json_typeof(r.trace) = 'array' THEN r.trace WHEN json_typeof(r.trace->'steps') = 'array' THEN r.trace->'steps' ELSE '[]'::json END) s
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
