// Effects learned from outcomes, pulled towards the catalog's figure until the data outweighs it.
// An effect is the catalog's: the relative reduction of churn, so treated churn = control churn × (1 − effect).
import type { GroupCounts, Interval } from "./lift";
import { Z_95 } from "./lift";

export type EffectEvidence = {
  treatmentKey: string;
  /** The catalog's expected effect, in [0, 1]. */
  catalogEffect: number;
  treated: GroupCounts;
};

export type LearnedEffect = {
  treatmentKey: string;
  catalogEffect: number;
  /** Effect read from the treated group alone; null when the baseline has no churn to reduce. */
  observedEffect: number | null;
  learnedEffect: number;
  interval: Interval | null;
  outcomes: number;
  /** n / (n + prior strength): how much of the estimate comes from the data. */
  dataWeight: number;
  hasEnoughEvidence: boolean;
  rationale: string;
};

const percent = (x: number) => `${Math.round(x * 100)}%`;

/**
 * Beta-binomial shrinkage of each treatment's retention: the prior is Beta(m·q, m·(1−q)) with
 * q = 1 − c0·(1 − catalogEffect), c0 the baseline's churn and m the prior strength in outcomes;
 * the posterior mean retention q̂ = (m·q + retained) / (m + n) gives the effect 1 − (1 − q̂)/c0.
 * Enough evidence: at least `minOutcomes` treated outcomes and a baseline with churn to compare.
 */
export function estimateEffects(opts: { baseline: GroupCounts; treatments: EffectEvidence[]; priorStrength: number; minOutcomes: number }): LearnedEffect[] {
  const c0 = opts.baseline.n > 0 ? 1 - opts.baseline.retained / opts.baseline.n : 0;
  const m = opts.priorStrength;
  return opts.treatments.map((t) => {
    const n = t.treated.n;
    if (c0 === 0) {
      return {
        treatmentKey: t.treatmentKey,
        catalogEffect: t.catalogEffect,
        observedEffect: null,
        learnedEffect: t.catalogEffect,
        interval: null,
        outcomes: n,
        dataWeight: 0,
        hasEnoughEvidence: false,
        rationale: `effect ${percent(t.catalogEffect)} from the catalog; the control group shows no churn to compare against`,
      };
    }
    const q = 1 - c0 * (1 - t.catalogEffect);
    const alpha = m * q + t.treated.retained;
    const beta = m * (1 - q) + (n - t.treated.retained);
    const mean = alpha / (alpha + beta);
    const sd = Math.sqrt((alpha * beta) / ((alpha + beta) ** 2 * (alpha + beta + 1)));
    const toEffect = (retention: number) => 1 - (1 - retention) / c0;
    const learnedEffect = toEffect(mean);
    const hasEnoughEvidence = n >= opts.minOutcomes;
    return {
      treatmentKey: t.treatmentKey,
      catalogEffect: t.catalogEffect,
      observedEffect: n > 0 ? toEffect(t.treated.retained / n) : null,
      learnedEffect,
      // Normal approximation to the Beta posterior through the same linear map; the baseline's own
      // sampling error is not carried, so the interval is narrower than the truth for a small control group.
      interval: { low: toEffect(mean - Z_95 * sd), high: toEffect(mean + Z_95 * sd) },
      outcomes: n,
      dataWeight: n / (n + m),
      hasEnoughEvidence,
      rationale: hasEnoughEvidence
        ? `effect ${percent(learnedEffect)}, learned from ${n.toLocaleString("en-GB")} outcomes; catalog ${percent(t.catalogEffect)}`
        : `effect ${percent(t.catalogEffect)} from the catalog; ${n.toLocaleString("en-GB")} of ${opts.minOutcomes.toLocaleString("en-GB")} outcomes needed to learn it`,
    };
  });
}
