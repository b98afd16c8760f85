// Effects learned from outcomes in the shape the deterministic policy spends them: for a customer the
// policy reads effect = base + the catalog's uplift for the patterns the treatment answers (or, for
// a driver pattern with its own learned effect, that effect alone), and value = risk × effect ×
// lifetime value. So a treatment's row is its BASE: the effect the treated showed, less the uplift
// the policy will add back for their patterns; a pattern's row is the effect on the treated with
// that driver, uplift included. Both compare the treated with what customers of their own risks did
// when held out (effect-baseline.ts), and are shrunk towards the catalog (effects.ts).
import type { TreatmentDefinition } from "../domain";
import { GOAL_PATTERNS, SEVERITY_UPLIFT } from "../treatment/rules-policy";
import { fitBaseline } from "./effect-baseline";
import { estimateEffects } from "./effects";
import type { GroupCounts, Interval } from "./lift";

export type TreatmentOutcome = {
  /** The treatment decided, or the one a held-out customer would have had. */
  treatmentKey: string;
  isHeldOut: boolean;
  /** Churn risk scored when decided; null when none was kept. */
  risk: number | null;
  /** Journey patterns found when decided. */
  patterns: readonly { key: string; severity: string }[];
  hasStayed: boolean;
};

export type EffectCatalogEntry = Pick<TreatmentDefinition, "key" | "expectedEffect" | "goal" | "eligibility" | "isNoAction">;

export type LearnedEffectRow = {
  treatmentKey: string;
  /** "" for the treatment's base, else the driver pattern the effect is for. */
  patternKey: string;
  /** The catalog's figure for the same thing: the base, or base plus the pattern's mean uplift. */
  catalogEffect: number;
  learnedEffect: number;
  interval: Interval | null;
  treated: GroupCounts;
  /** Every held-out outcome the baseline was read from. */
  baseline: GroupCounts;
  /** Leavers expected among the treated had they been held out. */
  expectedLeavers: number;
  hasEnoughEvidence: boolean;
  rationale: string;
};

/** The catalog's uplift the policy adds for a customer with `patterns` (the largest among the patterns the treatment answers). */
export function catalogUplift(treatment: EffectCatalogEntry, patterns: TreatmentOutcome["patterns"]): { uplift: number; drivers: string[] } {
  const answers = new Set<string>([...(GOAL_PATTERNS[treatment.goal] ?? []), ...(treatment.eligibility.requiresPatterns ?? [])]);
  const drivers = patterns.filter((p) => answers.has(p.key));
  const uplift = drivers.reduce((max, p) => Math.max(max, SEVERITY_UPLIFT[p.severity as keyof typeof SEVERITY_UPLIFT] ?? 0), 0);
  return { uplift, drivers: [...new Set(drivers.map((p) => p.key))] };
}

const percent = (x: number) => `${Math.round(x * 100)}%`;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * One base row per treatment with treated outcomes, one row per driver pattern with treated outcomes;
 * nothing while fewer than `minBaseline` held-out outcomes exist. Effects are shares of 90-day churn
 * removed by deciding to treat, in [0, 1]; uplifts are weighted by each customer's expected churn,
 * as value is. The catalog weighs as much as `priorLeavers` expected leavers would.
 */
export function learnEffects(opts: { catalog: readonly EffectCatalogEntry[]; outcomes: readonly TreatmentOutcome[]; priorLeavers: number; minOutcomes: number; minBaseline: number; bands?: number }): LearnedEffectRow[] {
  const heldOut = opts.outcomes.filter((o) => o.isHeldOut);
  if (heldOut.length < opts.minBaseline) return [];
  const baseline = fitBaseline(heldOut.map((o) => ({ risk: o.risk, hasLeft: !o.hasStayed })), opts.bands ? { bands: opts.bands } : {});
  const baselineCounts = { n: baseline.heldOut, retained: baseline.heldOut - baseline.leavers };
  const rows: LearnedEffectRow[] = [];
  for (const t of opts.catalog) {
    if (t.isNoAction) continue;
    const treated = opts.outcomes
      .filter((o) => !o.isHeldOut && o.treatmentKey === t.key)
      .map((o) => ({ ...o, expected: baseline.expectedChurn(o.risk), ...catalogUplift(t, o.patterns) }));
    if (treated.length === 0) continue;
    const groups: { patternKey: string; members: typeof treated }[] = [{ patternKey: "", members: treated }];
    const patternKeys = [...new Set(treated.flatMap((o) => o.drivers))].sort();
    for (const key of patternKeys) groups.push({ patternKey: key, members: treated.filter((o) => o.drivers.includes(key)) });
    for (const { patternKey, members } of groups) {
      const expectedLeavers = members.reduce((s, o) => s + o.expected, 0);
      const counts = { n: members.length, retained: members.filter((o) => o.hasStayed).length };
      const meanUplift = expectedLeavers > 0 ? members.reduce((s, o) => s + o.expected * o.uplift, 0) / expectedLeavers : 0;
      const catalogEffect = clamp01(t.expectedEffect + meanUplift);
      // The treated as if held out: the same number, retained as their risks predict.
      const asIfHeldOut = { n: counts.n, retained: counts.n - expectedLeavers };
      // What a group says about a relative effect grows with its leavers, not its size (a group that
      // barely churns says little), so the catalog's weight is counted in leavers too.
      const priorStrength = expectedLeavers > 0 ? (opts.priorLeavers * counts.n) / expectedLeavers : 0;
      const [estimate] = estimateEffects({ baseline: asIfHeldOut, treatments: [{ treatmentKey: t.key, catalogEffect, treated: counts }], priorStrength, minOutcomes: opts.minOutcomes });
      if (!estimate) continue;
      // The base row gives back the uplift the policy adds on top of it; a pattern row keeps it.
      const shift = patternKey === "" ? meanUplift : 0;
      const learnedEffect = clamp01(estimate.learnedEffect - shift);
      const hasEnoughEvidence = estimate.hasEnoughEvidence && expectedLeavers > 0;
      const reported = patternKey === "" ? t.expectedEffect : catalogEffect;
      rows.push({
        treatmentKey: t.key,
        patternKey,
        catalogEffect: reported,
        learnedEffect,
        interval: estimate.interval ? { low: estimate.interval.low - shift, high: estimate.interval.high - shift } : null,
        treated: counts,
        baseline: baselineCounts,
        expectedLeavers,
        hasEnoughEvidence,
        rationale: hasEnoughEvidence
          ? `effect ${percent(learnedEffect)}, learned from ${counts.n.toLocaleString("en-GB")} outcomes; catalog ${percent(reported)}`
          : `effect ${percent(reported)} from the catalog; ${counts.n.toLocaleString("en-GB")} of ${opts.minOutcomes.toLocaleString("en-GB")} outcomes needed to learn it`,
      });
    }
  }
  return rows;
}
