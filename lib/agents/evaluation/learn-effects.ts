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
import { type GroupCounts, type Interval, Z_95 } from "./lift";

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

/** How far a catalog's figure is off, as a share of itself, while too few treatments have outcomes to read it from. */
export const DEFAULT_CATALOG_SPREAD = 0.5;
/** The spread read from the outcomes stays within these: a few noisy treatments must not make the catalog certain or worthless. */
export const CATALOG_SPREAD_BOUNDS = { min: 0.2, max: 1.5 } as const;
/** Prior uncertainty of an effect never goes below this many points: a catalog figure of 0 is not certain either. */
const PRIOR_FLOOR = 0.01;

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

/** A treated outcome as read: its expected churn had it been held out, and which held-out group (and its relative variance) that came from. */
type Member = { hasStayed: boolean; expected: number; source: string; sourceVariance: number; uplift: number; drivers: string[] };

type Evidence = { n: number; retained: number; expectedLeavers: number; observed: number; variance: number; prior: number; meanUplift: number; catalogEffect: number };

/**
 * What one group of treated says: the effect read from its leavers against those expected, and that
 * reading's variance, from its own leavers (Poisson) and from the held-out leavers each expectation
 * was read from (a risk band's rate is shared by every treated customer of that risk).
 */
function evidenceOf(members: readonly Member[], opts: { expectedEffect: number; reach: number }): Evidence {
  const n = members.length;
  const retained = members.filter((o) => o.hasStayed).length;
  const expectedLeavers = members.reduce((s, o) => s + o.expected, 0);
  const meanUplift = expectedLeavers > 0 ? members.reduce((s, o) => s + o.expected * o.uplift, 0) / expectedLeavers : 0;
  const catalogEffect = clamp01(opts.expectedEffect + meanUplift);
  const prior = clamp01(catalogEffect * opts.reach);
  if (expectedLeavers <= 0) return { n, retained, expectedLeavers, observed: prior, variance: Number.POSITIVE_INFINITY, prior, meanUplift, catalogEffect };
  const bySource = new Map<string, { expected: number; variance: number }>();
  for (const o of members) {
    const b = bySource.get(o.source) ?? { expected: 0, variance: o.sourceVariance };
    b.expected += o.expected;
    bySource.set(o.source, b);
  }
  const baselineVariance = [...bySource.values()].reduce((s, b) => s + b.expected ** 2 * b.variance, 0) / expectedLeavers ** 2;
  const leavers = n - retained;
  const ratio = leavers / expectedLeavers;
  return { n, retained, expectedLeavers, observed: 1 - ratio, variance: Math.max(1, leavers) / expectedLeavers ** 2 + ratio ** 2 * baselineVariance, prior, meanUplift, catalogEffect };
}

/**
 * The catalog's spread read from the treatments' own readings (empirical Bayes, by moments): the
 * squared distance of each reading from its prior, less the reading's own variance, over the squared
 * priors; DEFAULT_CATALOG_SPREAD with fewer than three readings, else within CATALOG_SPREAD_BOUNDS.
 */
export function catalogSpread(readings: readonly { observed: number; variance: number; prior: number }[]): number {
  const usable = readings.filter((r) => Number.isFinite(r.variance) && r.prior > 0);
  if (usable.length < 3) return DEFAULT_CATALOG_SPREAD;
  const excess = usable.reduce((s, r) => s + (r.observed - r.prior) ** 2 - r.variance, 0);
  const scale = usable.reduce((s, r) => s + r.prior ** 2, 0);
  const spread = Math.sqrt(Math.max(0, excess / scale));
  return Math.min(CATALOG_SPREAD_BOUNDS.max, Math.max(CATALOG_SPREAD_BOUNDS.min, spread));
}

/**
 * One base row per treatment with treated outcomes, one row per driver pattern with treated outcomes;
 * nothing while fewer than `minBaseline` held-out 90-day outcomes exist. Effects are shares of 90-day
 * churn removed by deciding to treat, in [0, 1]; uplifts are weighted by each customer's expected
 * churn, as value is. Each reading is combined with its prior, the catalog's figure times the
 * treatment's reach (`contacts`, absent: 1), whose uncertainty is `spread` (default: read from the
 * treatments by catalogSpread; Infinity: the readings alone) times the prior, normal against normal. A
 * treated outcome without its 90 days counts with its 30-day stay once `minBaseline` held-out 30-day
 * outcomes exist.
 */
export function learnEffects(opts: {
  catalog: readonly EffectCatalogEntry[];
  outcomes: readonly TreatmentOutcome[];
  contacts?: Readonly<Record<string, ContactCounts>>;
  spread?: number;
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
  const groups: { t: EffectCatalogEntry; patternKey: string; evidence: Evidence }[] = [];
  for (const t of opts.catalog) {
    if (t.isNoAction) continue;
    const treated = opts.outcomes
      .filter((o) => !o.isHeldOut && o.treatmentKey === t.key)
      .flatMap((o): Member[] => {
        const { uplift, drivers } = catalogUplift(t, o.patterns);
        const read = o.hasStayed !== null ? { hasStayed: o.hasStayed, fit: baseline, window: "90d" } : baseline30 && typeof o.hasStayed30d === "boolean" ? { hasStayed: o.hasStayed30d, fit: baseline30, window: "30d" } : null;
        if (!read) return [];
        const source = read.fit.sourceOf(o.risk);
        return [{ hasStayed: read.hasStayed, expected: read.fit.expectedChurn(o.risk), source: `${read.window} ${source.key}`, sourceVariance: source.relativeVariance, uplift, drivers }];
      });
    if (treated.length === 0) continue;
    const of = (members: readonly Member[]) => evidenceOf(members, { expectedEffect: t.expectedEffect, reach: reach.get(t.key) ?? 1 });
    groups.push({ t, patternKey: "", evidence: of(treated) });
    for (const key of [...new Set(treated.flatMap((o) => o.drivers))].sort()) groups.push({ t, patternKey: key, evidence: of(treated.filter((o) => o.drivers.includes(key))) });
  }
  // Read from the treatments' base rows with enough outcomes: the pattern rows are the same customers again.
  const spread = opts.spread ?? catalogSpread(groups.filter((g) => g.patternKey === "" && g.evidence.n >= opts.minOutcomes).map((g) => g.evidence));
  return groups.map(({ t, patternKey, evidence: e }) => {
    const priorVariance = Number.isFinite(spread) ? (spread * e.prior) ** 2 + PRIOR_FLOOR ** 2 : Number.POSITIVE_INFINITY;
    const dataWeight = !Number.isFinite(e.variance) ? 0 : !Number.isFinite(priorVariance) ? 1 : priorVariance / (priorVariance + e.variance);
    const estimate = e.prior + dataWeight * (e.observed - e.prior);
    const sd = Math.sqrt(!Number.isFinite(e.variance) ? priorVariance : !Number.isFinite(priorVariance) ? e.variance : (priorVariance * e.variance) / (priorVariance + e.variance));
    // The base row gives back the uplift the policy adds on top of it; a pattern row keeps it.
    const shift = patternKey === "" ? e.meanUplift : 0;
    const learnedEffect = clamp01(estimate - shift);
    const hasEnoughEvidence = e.n >= opts.minOutcomes && e.expectedLeavers > 0;
    const reported = patternKey === "" ? t.expectedEffect : e.catalogEffect;
    return {
      treatmentKey: t.key,
      patternKey,
      catalogEffect: reported,
      reach: reach.get(t.key) ?? 1,
      learnedEffect,
      interval: Number.isFinite(sd) ? { low: estimate - Z_95 * sd - shift, high: estimate + Z_95 * sd - shift } : null,
      treated: { n: e.n, retained: e.retained },
      baseline: baselineCounts,
      expectedLeavers: e.expectedLeavers,
      hasEnoughEvidence,
      rationale: hasEnoughEvidence
        ? `effect ${percent(learnedEffect)}, learned from ${e.n.toLocaleString("en-GB")} outcomes; catalog ${percent(reported)}`
        : `effect ${percent(reported)} from the catalog; ${e.n.toLocaleString("en-GB")} of ${opts.minOutcomes.toLocaleString("en-GB")} outcomes needed to learn it`,
    };
  });
}
