import "server-only";
import type pg from "pg";
import type { Experiment, ExperimentArm } from "../agents/evaluation/experiments";
import { CONTACT_STATUSES_SQL } from "../pipeline/contact-statuses";
import { listExperiments } from "../pipeline/experiments";

/** One arm's decisions so far and what happened after them (90-day outcomes). */
export type ArmSummary = ExperimentArm & {
  decisions: number;
  /** Decisions approved or overridden to a contact. */
  treated: number;
  /** Expected value of the treated decisions, GBP. */
  expectedValueGbp: number;
  outcomes: number;
  retained: number;
};

export type ExperimentSummary = Omit<Experiment, "arms"> & { arms: ArmSummary[] };

type ArmRow = { experimentKey: string; experimentArm: string; decisions: number; treated: number; expectedValue: number; outcomes: number; retained: number };

/** Every experiment, newest first, with each arm's decisions, expected value and retention so far. */
export async function listExperimentSummaries(pool: pg.Pool): Promise<ExperimentSummary[]> {
  const experiments = await listExperiments(pool);
  if (experiments.length === 0) return [];
  const { rows } = await pool.query<ArmRow>(`
    SELECT r."experimentKey", r."experimentArm",
           count(*)::int AS decisions,
           count(*) FILTER (WHERE r.status IN (${CONTACT_STATUSES_SQL}) AND r."treatmentKey" IS NOT NULL)::int AS treated,
           COALESCE(sum(r."expectedValue") FILTER (WHERE r.status IN (${CONTACT_STATUSES_SQL}) AND r."treatmentKey" IS NOT NULL), 0)::float8 AS "expectedValue",
           count(o."stayed90d")::int AS outcomes,
           count(*) FILTER (WHERE o."stayed90d")::int AS retained
      FROM "Recommendation" r LEFT JOIN "Outcome" o ON o."recommendationId" = r.id
     WHERE r."experimentKey" IS NOT NULL
     GROUP BY 1, 2`);
  return experiments.map((e) => ({
    ...e,
    arms: e.arms.map((arm) => {
      const r = rows.find((x) => x.experimentKey === e.key && x.experimentArm === arm.key);
      return { ...arm, decisions: r?.decisions ?? 0, treated: r?.treated ?? 0, expectedValueGbp: r?.expectedValue ?? 0, outcomes: r?.outcomes ?? 0, retained: r?.retained ?? 0 };
    }),
  }));
}
