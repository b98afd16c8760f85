// Effects learned from outcomes, kept in LearnedEffect and attached to the catalog the agents load.
// A treated customer is one whose decision was approved or overridden to the treatment (whether or
// not the contact then happened: that is what deciding to treat buys); the comparison is the
// held-out customers the run would have sent the same treatment, or every held-out customer while
// those are too few. Outcomes are read at 90 days. Per pattern, the patterns are those the journey
// analysis found when the decision was made (its step in the decision's trace), and the baseline is
// every held-out customer who had the pattern then: without enough of them no pattern row is written.
import type pg from "pg";
import type { LearnedEffectInUse, PatternKey, TreatmentDefinition } from "../agents/domain";
import { estimateEffects } from "../agents/evaluation/effects";
import { SEVERITY_UPLIFT } from "../agents/treatment/rules-policy";

/** The catalog's weight in outcomes: a treatment needs about this many before its data outweighs the catalog. */
export const LEARNED_PRIOR_STRENGTH = 200;
/** Treated outcomes before the policy uses a learned effect. */
export const LEARNED_MIN_OUTCOMES = 200;
/** Held-out outcomes of one treatment before they, not the whole control group, are its baseline. */
export const MIN_TREATMENT_BASELINE = 50;

type Counts = { n: number; retained: number };

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

/**
 * Recomputes every treatment's learned effect from the outcomes recorded so far and replaces the
 * LearnedEffect rows in one transaction; treatments without treated outcomes get no row.
 */
export async function refreshLearnedEffects(
  pool: pg.Pool,
  opts: { now?: Date; priorStrength?: number; minOutcomes?: number } = {},
): Promise<RefreshedEffect[]> {
  const priorStrength = opts.priorStrength ?? LEARNED_PRIOR_STRENGTH;
  const minOutcomes = opts.minOutcomes ?? LEARNED_MIN_OUTCOMES;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    // Two refreshes at once would each delete and insert the same keys: the second waits for the first.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('LearnedEffect'))`);
    const { rows: catalog } = await client.query<{ key: string; expectedEffect: number }>(`SELECT key, "expectedEffect" FROM "Treatment" WHERE NOT "isNoAction"`);
    const { rows: groups } = await client.query<{ treatmentKey: string; isHeldOut: boolean; n: number; retained: number }>(
      `SELECT COALESCE(r."heldOutFrom", r."treatmentKey") AS "treatmentKey", r."heldOutFrom" IS NOT NULL AS "isHeldOut",
              count(*)::int AS n, count(*) FILTER (WHERE o."stayed90d")::int AS retained
         FROM "Outcome" o JOIN "Recommendation" r ON r.id = o."recommendationId"
        WHERE o."stayed90d" IS NOT NULL
          AND (r."heldOutFrom" IS NOT NULL OR (r."treatmentKey" IS NOT NULL AND r.status IN ('approved', 'overridden')))
        GROUP BY 1, 2`,
    );
    const treated = new Map<string, Counts>();
    const heldOut = new Map<string, Counts>();
    const pooled: Counts = { n: 0, retained: 0 };
    for (const g of groups) {
      (g.isHeldOut ? heldOut : treated).set(g.treatmentKey, { n: g.n, retained: g.retained });
      if (g.isHeldOut) {
        pooled.n += g.n;
        pooled.retained += g.retained;
      }
    }
    const { rows: patternGroups } = await client.query<{ treatmentKey: string; isHeldOut: boolean; patternKey: string; severity: string; n: number; retained: number }>(
      `SELECT COALESCE(r."heldOutFrom", r."treatmentKey") AS "treatmentKey", r."heldOutFrom" IS NOT NULL AS "isHeldOut",
              p->>'key' AS "patternKey", p->>'severity' AS severity,
              count(*)::int AS n, count(*) FILTER (WHERE o."stayed90d")::int AS retained
         FROM "Outcome" o JOIN "Recommendation" r ON r.id = o."recommendationId"
        CROSS JOIN LATERAL json_array_elements(CASE WHEN json_typeof(r.trace) = 'array' THEN r.trace ELSE '[]'::json END) s
        CROSS JOIN LATERAL json_array_elements(CASE WHEN json_typeof(s->'response'->'data'->'patterns') = 'array' THEN s->'response'->'data'->'patterns' ELSE '[]'::json END) p
        WHERE s->>'type' = 'analyze_journey' AND p->>'key' IS NOT NULL AND o."stayed90d" IS NOT NULL
          AND (r."heldOutFrom" IS NOT NULL OR (r."treatmentKey" IS NOT NULL AND r.status IN ('approved', 'overridden')))
        GROUP BY 1, 2, 3, 4`,
    );
    const now = opts.now ?? new Date();
    const refreshed: RefreshedEffect[] = [];
    await client.query(`DELETE FROM "LearnedEffect"`);
    const insert = (row: { treatmentKey: string; patternKey: string; catalogEffect: number; learnedEffect: number; interval: { low: number; high: number } | null; treated: Counts; baseline: Counts; hasEnoughEvidence: boolean }) =>
      client.query(
        `INSERT INTO "LearnedEffect" ("treatmentKey", "patternKey", "catalogEffect", "learnedEffect", "intervalLow", "intervalHigh", outcomes, retained,
                                      "baselineOutcomes", "baselineRetained", "hasEnoughEvidence", "refreshedAt")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [row.treatmentKey, row.patternKey, row.catalogEffect, row.learnedEffect, row.interval?.low ?? null, row.interval?.high ?? null, row.treated.n, row.treated.retained, row.baseline.n, row.baseline.retained, row.hasEnoughEvidence, now],
      );
    const heldOutByPattern = new Map<string, Counts>();
    for (const g of patternGroups.filter((g) => g.isHeldOut)) {
      const c = heldOutByPattern.get(g.patternKey) ?? { n: 0, retained: 0 };
      heldOutByPattern.set(g.patternKey, { n: c.n + g.n, retained: c.retained + g.retained });
    }
    for (const t of catalog) {
      const counts = treated.get(t.key);
      if (!counts || counts.n === 0) continue;
      const own = heldOut.get(t.key);
      const baseline = own && own.n >= MIN_TREATMENT_BASELINE ? own : pooled;
      const [effect] = estimateEffects({ baseline, treatments: [{ treatmentKey: t.key, catalogEffect: t.expectedEffect, treated: counts }], priorStrength, minOutcomes });
      if (!effect) continue;
      // An effect is a share of churn removed: below 0 the treatment made churn worse, above 1 is impossible.
      const learnedEffect = Math.min(1, Math.max(0, effect.learnedEffect));
      await insert({ treatmentKey: t.key, patternKey: "", catalogEffect: t.expectedEffect, learnedEffect, interval: effect.interval, treated: counts, baseline, hasEnoughEvidence: effect.hasEnoughEvidence });
      refreshed.push({ treatmentKey: t.key, patternKey: "", catalogEffect: t.expectedEffect, learnedEffect, outcomes: counts.n, baselineOutcomes: baseline.n, hasEnoughEvidence: effect.hasEnoughEvidence, rationale: effect.rationale });
      // Severities of one pattern differ between customers: the prior is the catalog's base plus their mean uplift.
      const byPattern = new Map<string, { treated: Counts; upliftSum: number }>();
      for (const g of patternGroups.filter((g) => !g.isHeldOut && g.treatmentKey === t.key)) {
        const c = byPattern.get(g.patternKey) ?? { treated: { n: 0, retained: 0 }, upliftSum: 0 };
        const uplift = SEVERITY_UPLIFT[g.severity as keyof typeof SEVERITY_UPLIFT] ?? 0;
        byPattern.set(g.patternKey, { treated: { n: c.treated.n + g.n, retained: c.treated.retained + g.retained }, upliftSum: c.upliftSum + uplift * g.n });
      }
      for (const [patternKey, p] of byPattern) {
        const patternBaseline = heldOutByPattern.get(patternKey);
        if (!patternBaseline || patternBaseline.n < MIN_TREATMENT_BASELINE) continue;
        const catalogEffect = Math.min(1, t.expectedEffect + p.upliftSum / p.treated.n);
        const [pe] = estimateEffects({ baseline: patternBaseline, treatments: [{ treatmentKey: t.key, catalogEffect, treated: p.treated }], priorStrength, minOutcomes });
        if (!pe) continue;
        const patternEffect = Math.min(1, Math.max(0, pe.learnedEffect));
        await insert({ treatmentKey: t.key, patternKey, catalogEffect, learnedEffect: patternEffect, interval: pe.interval, treated: p.treated, baseline: patternBaseline, hasEnoughEvidence: pe.hasEnoughEvidence });
        refreshed.push({ treatmentKey: t.key, patternKey, catalogEffect, learnedEffect: patternEffect, outcomes: p.treated.n, baselineOutcomes: patternBaseline.n, hasEnoughEvidence: pe.hasEnoughEvidence, rationale: pe.rationale });
      }
    }
    await client.query("COMMIT");
    return refreshed;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** The learned effects with enough evidence, by treatment key, in the shape the policy reads. */
export async function loadLearnedEffects(pool: pg.Pool | pg.PoolClient): Promise<Map<string, LearnedEffectInUse>> {
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
