// Effects learned from outcomes, kept in LearnedEffect and attached to the catalog the agents load.
// A treated customer is one whose decision was approved or overridden to the treatment (whether or
// not the contact then happened: that is what deciding to treat buys). Each is compared with what
// held-out customers of the same scored risk did (lib/agents/evaluation/learn-effects.ts), since
// each treatment goes to its own kind of customer. Outcomes are read at 90 days, or at 30 while the
// 90 have not passed; every recorded contact attempt tells the treatment's reach. The risk and the
// patterns are those the journey analysis found when the decision was made (its step among the
// decision's steps, lib/pipeline/decision-trace.ts).
import type pg from "pg";
import type { Eligibility, LearnedEffectInUse, PatternKey, TreatmentDefinition } from "../agents/domain";
import { type ContactCounts, type TreatmentOutcome, learnEffects } from "../agents/evaluation/learn-effects";
import { CONTACT_STATUSES_SQL } from "./contact-statuses";
import { decisionStepsSql } from "./decision-trace";
import { applyStoredRiskCalibration } from "./risk-calibration";

/**
 * Treated outcomes before the policy uses a learned effect. The estimate is already pulled towards
 * the catalog (times the reach) in proportion to how little its outcomes say, so this only keeps out
 * the rows that rest on a handful of customers.
 */
export const LEARNED_MIN_OUTCOMES = 50;
/** Held-out outcomes before anything is learned: fewer leave every risk band to a handful. */
export const MIN_HELD_OUT_BASELINE = 50;

export type RefreshedEffect = {
  treatmentKey: string;
  /** "" for all customers, else the journey pattern the effect is for. */
  patternKey: string;
  catalogEffect: number;
  learnedEffect: number;
  outcomes: number;
  baselineOutcomes: number;
  hasEnoughEvidence: boolean;
  rationale: string;
};

const OUTCOMES_SQL = `
  SELECT r."customerId", COALESCE(r."heldOutFrom", r."treatmentKey") AS "treatmentKey", r."heldOutFrom" IS NOT NULL AS "isHeldOut", o."stayed90d" AS "hasStayed", o."stayed30d" AS "hasStayed30d",
         j.risk, COALESCE(j.patterns, '[]'::json) AS patterns
    FROM "Outcome" o JOIN "Recommendation" r ON r.id = o."recommendationId"
    LEFT JOIN LATERAL (
      SELECT (s->'response'->'data'->'metrics'->>'churnRisk')::float8 AS risk,
             (SELECT json_agg(json_build_object('key', p->>'key', 'severity', p->>'severity'))
                FROM json_array_elements(CASE WHEN json_typeof(s->'response'->'data'->'patterns') = 'array' THEN s->'response'->'data'->'patterns' ELSE '[]'::json END) p
               WHERE p->>'key' IS NOT NULL) AS patterns
        FROM json_array_elements(${decisionStepsSql("r")}) s
       WHERE s->>'type' = 'analyze_journey' LIMIT 1) j ON true
   WHERE (o."stayed90d" IS NOT NULL OR o."stayed30d" IS NOT NULL)
     AND (r."heldOutFrom" IS NOT NULL OR (r."treatmentKey" IS NOT NULL AND r.status IN (${CONTACT_STATUSES_SQL})))`;

const CONTACTS_SQL = `
  SELECT r."treatmentKey", count(*)::int AS attempts, count(*) FILTER (WHERE o."contactMade")::int AS made
    FROM "Outcome" o JOIN "Recommendation" r ON r.id = o."recommendationId"
   WHERE r."treatmentKey" IS NOT NULL AND r.status IN (${CONTACT_STATUSES_SQL})
   GROUP BY r."treatmentKey"`;

/** Every treated or held-out decision with a 90- or 30-day outcome, as the learned effects read them. */
export async function readTreatmentOutcomes(client: pg.ClientBase | pg.Pool): Promise<(TreatmentOutcome & { customerId: string })[]> {
  const { rows } = await client.query<TreatmentOutcome & { customerId: string }>(OUTCOMES_SQL);
  return rows.map((o) => ({ ...o, risk: o.risk !== null && Number.isFinite(o.risk) ? o.risk : null }));
}

/**
 * Recomputes every treatment's learned effect from the outcomes recorded so far and replaces the
 * LearnedEffect rows in one transaction; treatments without treated outcomes get no row, and
 * nothing is learned while fewer than MIN_HELD_OUT_BASELINE held-out outcomes exist.
 */
export async function refreshLearnedEffects(
  pool: pg.Pool,
  opts: { now?: Date; spread?: number; minOutcomes?: number } = {},
): Promise<RefreshedEffect[]> {
  const minOutcomes = opts.minOutcomes ?? LEARNED_MIN_OUTCOMES;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    // Two refreshes at once would each delete and insert the same keys: the second waits for the first.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('LearnedEffect'))`);
    const { rows: catalog } = await client.query<{ key: string; expectedEffect: number; goal: string; eligibility: Eligibility | null; isNoAction: boolean; channel: string | null }>(
      `SELECT key, "expectedEffect", goal, eligibility, "isNoAction", channel::text AS channel FROM "Treatment" WHERE NOT "isNoAction" ORDER BY key`,
    );
    const outcomes = await readTreatmentOutcomes(client);
    const { rows: contactRows } = await client.query<ContactCounts & { treatmentKey: string }>(CONTACTS_SQL);
    const learned = learnEffects({
      catalog: catalog.map((t) => ({ ...t, eligibility: t.eligibility ?? {} })),
      outcomes,
      contacts: Object.fromEntries(contactRows.map((c) => [c.treatmentKey, { attempts: c.attempts, made: c.made }])),
      ...(opts.spread !== undefined ? { spread: opts.spread } : {}),
      minOutcomes,
      minBaseline: MIN_HELD_OUT_BASELINE,
    });
    const now = opts.now ?? new Date();
    await client.query(`DELETE FROM "LearnedEffect"`);
    if (learned.length > 0) {
      await client.query(
        `INSERT INTO "LearnedEffect" ("treatmentKey", "patternKey", "catalogEffect", "learnedEffect", "intervalLow", "intervalHigh", outcomes, retained,
                                      "baselineOutcomes", "baselineRetained", "hasEnoughEvidence", "refreshedAt")
         SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::int[], $8::int[], $9::int[], $10::int[], $11::bool[], $12::timestamptz[])`,
        [
          learned.map((r) => r.treatmentKey),
          learned.map((r) => r.patternKey),
          learned.map((r) => r.catalogEffect),
          learned.map((r) => r.learnedEffect),
          learned.map((r) => r.interval?.low ?? null),
          learned.map((r) => r.interval?.high ?? null),
          learned.map((r) => r.treated.n),
          learned.map((r) => r.treated.retained),
          learned.map((r) => r.baseline.n),
          learned.map((r) => r.baseline.retained),
          learned.map((r) => r.hasEnoughEvidence),
          learned.map(() => now),
        ],
      );
    }
    await client.query("COMMIT");
    return learned.map((r) => ({
      treatmentKey: r.treatmentKey,
      patternKey: r.patternKey,
      catalogEffect: r.catalogEffect,
      learnedEffect: r.learnedEffect,
      outcomes: r.treated.n,
      baselineOutcomes: r.baseline.n,
      hasEnoughEvidence: r.hasEnoughEvidence,
      rationale: r.rationale,
    }));
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** The learned effects with enough evidence, by treatment key, in the shape the policy reads. */
export async function loadLearnedEffects(pool: pg.Pool | pg.PoolClient): Promise<Map<string, LearnedEffectInUse>> {
  // What outcomes taught is read together: the effects, and the risk calibration the analyses that use them apply.
  await applyStoredRiskCalibration(pool);
  const { rows } = await pool.query<{ treatmentKey: string; patternKey: string; learnedEffect: number; outcomes: number }>(
    `SELECT "treatmentKey", "patternKey", "learnedEffect", outcomes FROM "LearnedEffect" WHERE "hasEnoughEvidence" ORDER BY "treatmentKey", "patternKey"`,
  );
  const learned = new Map<string, LearnedEffectInUse>();
  for (const r of rows.filter((r) => r.patternKey === "")) learned.set(r.treatmentKey, { effect: r.learnedEffect, outcomes: r.outcomes });
  for (const r of rows.filter((r) => r.patternKey !== "")) {
    const entry = learned.get(r.treatmentKey);
    // A pattern's effect is used only beside the treatment's own: the policy reads it as a refinement.
    if (!entry) continue;
    entry.byPattern = { ...entry.byPattern, [r.patternKey as PatternKey]: { effect: r.learnedEffect, outcomes: r.outcomes } };
  }
  return learned;
}

/** `catalog` with each treatment's learned effect attached; treatments without one are returned as they are. */
export function withLearnedEffects<T extends TreatmentDefinition>(catalog: readonly T[], learned: ReadonlyMap<string, LearnedEffectInUse>): T[] {
  return catalog.map((t) => {
    const effect = t.isNoAction ? undefined : learned.get(t.key);
    return effect ? { ...t, learned: effect } : t;
  });
}
