// Effects learned from outcomes in the shape the deterministic policy spends them: for a customer the
// policy reads effect = base + the catalog's uplift for the patterns the treatment answers (or, for
// a driver pattern with its own learned effect, that effect alone), and value = risk × effect ×
// lifetime value. So a treatment's row is its BASE: the effect the treated showed, less the uplift
// the policy will add back for their patterns; a pattern's row is the effect on the treated with
// that driver, uplift included. Both compare the treated with what customers of their own risks did
// when held out (effect-baseline.ts), and are shrunk towards the catalog (effects.ts).
//
// What is learned is what deciding to treat buys, contact made or not; the catalog's figure is the
// effect when the treatment lands. So the figure shrunk towards is the catalog's times the share of
// contacts the treatment's attempts made (known two days after each decision, long before any stay),
// not the catalog's as it is, which would pull every estimate up towards contacts that never happen.
// A treated customer whose 90 days have not passed yet counts with their 30-day stay, against what
// held-out customers of their risk did in 30 days: a relative effect read on the leavers so far.
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
  /** Stayed 90 days; null while that window is open. */
  hasStayed: boolean | null;
  /** Stayed 30 days; null (or absent) while that window is open or when nobody reported it. */
  hasStayed30d?: boolean | null;
};

/** A treatment's contact attempts with a recorded result, and how many reached the customer. */
export type ContactCounts = { attempts: number; made: number };

export type EffectCatalogEntry = Pick<TreatmentDefinition, "key" | "expectedEffect" | "goal" | "eligibility" | "isNoAction"> & { channel?: string | null };

/** Attempts a channel's reach counts for in a treatment's own: a treatment seldom tried starts at its channel's rate. */
export const REACH_PRIOR_ATTEMPTS = 20;

export type LearnedEffectRow = {
  treatmentKey: string;
  /** "" for the treatment's base, else the driver pattern the effect is for. */
  patternKey: string;
  /** The catalog's figure for the same thing: the base, or base plus the pattern's mean uplift. */
  catalogEffect: number;
  /** Share of the treatment's contact attempts that reached the customer; the catalog's figure times it is what the estimate is shrunk towards. */
  reach: number;
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

/**
 * Each treatment's reach in [0, 1]: its contacts made over attempts, with REACH_PRIOR_ATTEMPTS
 * attempts at its channel's pooled rate; 1 (the catalog's assumption) for a channel never attempted.
 */
export function reachOf(catalog: readonly EffectCatalogEntry[], contacts: Readonly<Record<string, ContactCounts>>): Map<string, number> {
  const byChannel = new Map<string, ContactCounts>();
  for (const t of catalog) {
    const c = contacts[t.key];
    if (!c || !t.channel) continue;
    const sum = byChannel.get(t.channel) ?? { attempts: 0, made: 0 };
    byChannel.set(t.channel, { attempts: sum.attempts + c.attempts, made: sum.made + c.made });
  }
  const reach = new Map<string, number>();
  for (const t of catalog) {
    const channel = t.channel ? byChannel.get(t.channel) : undefined;
    const prior = channel && channel.attempts > 0 ? channel.made / channel.attempts : 1;
    const own = contacts[t.key] ?? { attempts: 0, made: 0 };
    reach.set(t.key, (own.made + REACH_PRIOR_ATTEMPTS * prior) / (own.attempts + REACH_PRIOR_ATTEMPTS));
  }
  return reach;
}

const percent = (x: number) => `${Math.round(x * 100)}%`;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * One base row per treatment with treated outcomes, one row per driver pattern with treated outcomes;
 * nothing while fewer than `minBaseline` held-out 90-day outcomes exist. Effects are shares of 90-day
 * churn removed by deciding to treat, in [0, 1]; uplifts are weighted by each customer's expected
 * churn, as value is. The catalog's figure times the treatment's reach (`contacts`, absent: 1) weighs
 * as much as `priorLeavers` expected leavers would. A treated outcome without its 90 days counts with
 * its 30-day stay once `minBaseline` held-out 30-day outcomes exist.
 */
export function learnEffects(opts: {
  catalog: readonly EffectCatalogEntry[];
  outcomes: readonly TreatmentOutcome[];
  contacts?: Readonly<Record<string, ContactCounts>>;
  priorLeavers: number;
  minOutcomes: number;
  minBaseline: number;
  bands?: number;
}): LearnedEffectRow[] {
  const heldOut = opts.outcomes.filter((o) => o.isHeldOut && o.hasStayed !== null);
  if (heldOut.length < opts.minBaseline) return [];
  const bandOpts = opts.bands ? { bands: opts.bands } : {};
  const baseline = fitBaseline(heldOut.map((o) => ({ risk: o.risk, hasLeft: !o.hasStayed })), bandOpts);
  const heldOut30 = opts.outcomes.filter((o) => o.isHeldOut && o.hasStayed30d !== undefined && o.hasStayed30d !== null);
  const baseline30 = heldOut30.length >= opts.minBaseline ? fitBaseline(heldOut30.map((o) => ({ risk: o.risk, hasLeft: !o.hasStayed30d })), bandOpts) : null;
  const baselineCounts = { n: baseline.heldOut, retained: baseline.heldOut - baseline.leavers };
  const reach = reachOf(opts.catalog, opts.contacts ?? {});
  const rows: LearnedEffectRow[] = [];
  for (const t of opts.catalog) {
    if (t.isNoAction) continue;
    const treated = opts.outcomes
      .filter((o) => !o.isHeldOut && o.treatmentKey === t.key)
      .flatMap((o) => {
        const read =
          o.hasStayed !== null ? { hasStayed: o.hasStayed, expected: baseline.expectedChurn(o.risk) } : baseline30 && typeof o.hasStayed30d === "boolean" ? { hasStayed: o.hasStayed30d, expected: baseline30.expectedChurn(o.risk) } : null;
        return read ? [{ ...o, ...read, ...catalogUplift(t, o.patterns) }] : [];
      });
    if (treated.length === 0) continue;
    const tReach = reach.get(t.key) ?? 1;
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
      const [estimate] = estimateEffects({ baseline: asIfHeldOut, treatments: [{ treatmentKey: t.key, catalogEffect: catalogEffect * tReach, treated: counts }], priorStrength, minOutcomes: opts.minOutcomes });
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
        reach: tReach,
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
