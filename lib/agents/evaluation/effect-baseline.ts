// What a treated group would have done untreated. Treatments go to different customers (a call to
// the riskiest, an SMS to whoever a call could not reach), so the held-out customers as a whole
// leave less or more often than any one treatment's customers, and one treatment's own held-out
// customers are few and miss those it got by fallback. So the held-out customers' leavers per unit
// of scored risk, read within bands of risk, are applied to each treated customer's own risk
// (indirect standardisation): the comparison is with customers like the treated, not with everyone.

export type BaselineObservation = {
  /** Churn risk scored when the customer was decided, in [0, 1]; null when none was kept. */
  risk: number | null;
  hasLeft: boolean;
};

/** Bands of the held-out customers' risk, equal in size: enough to follow the curve, few enough that each has leavers. */
export const BASELINE_RISK_BANDS = 5;
/**
 * Held-out leavers each band needs: a band's rate is known to about 1/√leavers, and every treated
 * customer of that risk is judged against it, so a band of 15 leavers would move their effects by a
 * quarter. Fewer leavers than this in all make fewer bands, down to one.
 */
export const MIN_LEAVERS_PER_BAND = 40;

export type Baseline = {
  /** Probability that a customer of this risk leaves within the window when held out, in [0, 1]. */
  expectedChurn: (risk: number | null) => number;
  /** Which group of held-out customers that expectation is read from, and its relative variance (1 / their leavers). */
  sourceOf: (risk: number | null) => { key: string; relativeVariance: number };
  heldOut: number;
  leavers: number;
};

type Band = { upperRisk: number; ratePerRisk: number; flatRate: number; leavers: number };

const isScored = (risk: number | null): risk is number => risk !== null && Number.isFinite(risk);
const churnOf = (group: readonly BaselineObservation[]) => (group.length === 0 ? 0 : group.filter((o) => o.hasLeft).length / group.length);

/**
 * Fits the baseline on held-out outcomes: risk bands of about equal size (`bands`, default as many
 * as give each MIN_LEAVERS_PER_BAND leavers, between 1 and BASELINE_RISK_BANDS), in each expected
 * churn = risk × leavers / Σ risk, capped at 1; customers without a scored risk are compared with the
 * held-out customers without one (or all of them, if none).
 */
export function fitBaseline(heldOut: readonly BaselineObservation[], opts: { bands?: number } = {}): Baseline {
  const scored = heldOut.filter((o): o is BaselineObservation & { risk: number } => isScored(o.risk)).sort((a, b) => a.risk - b.risk);
  const unscored = heldOut.filter((o) => !isScored(o.risk));
  const overall = churnOf(heldOut);
  const unscoredRate = unscored.length > 0 ? churnOf(unscored) : overall;
  // Customers of equal risk stay in one band: split between two, each band would read a different rate for the same risk.
  const scoredLeavers = scored.filter((o) => o.hasLeft).length;
  const bandCount = opts.bands ?? Math.min(BASELINE_RISK_BANDS, Math.max(1, Math.floor(scoredLeavers / MIN_LEAVERS_PER_BAND)));
  const target = scored.length / Math.max(1, bandCount);
  const groups: (typeof scored)[] = [];
  for (const o of scored) {
    const current = groups[groups.length - 1];
    if (current && (current.length < target || current[current.length - 1]!.risk === o.risk)) current.push(o);
    else groups.push([o]);
  }
  const bands: Band[] = groups.map((members, b) => {
    const riskSum = members.reduce((s, o) => s + o.risk, 0);
    const leavers = members.filter((o) => o.hasLeft).length;
    return { upperRisk: b === groups.length - 1 ? Number.POSITIVE_INFINITY : members[members.length - 1]!.risk, ratePerRisk: riskSum > 0 ? leavers / riskSum : 0, flatRate: churnOf(members), leavers };
  });
  const allLeavers = heldOut.filter((o) => o.hasLeft).length;
  const unscoredLeavers = unscored.length > 0 ? unscored.filter((o) => o.hasLeft).length : allLeavers;
  const bandIndexOf = (risk: number) => bands.findIndex((b) => risk <= b.upperRisk);
  const source = (key: string, leavers: number) => ({ key, relativeVariance: 1 / Math.max(1, leavers) });
  return {
    expectedChurn: (risk) => {
      if (!isScored(risk)) return unscoredRate;
      const band = bands[bandIndexOf(risk)];
      if (!band) return overall;
      // A band scored all zero has no risk to scale: its customers leave at its plain rate.
      return Math.min(1, band.ratePerRisk > 0 ? band.ratePerRisk * risk : band.flatRate);
    },
    sourceOf: (risk) => {
      if (!isScored(risk)) return source("unscored", unscoredLeavers);
      const index = bandIndexOf(risk);
      return index >= 0 ? source(`band ${index}`, bands[index]!.leavers) : source("all", allLeavers);
    },
    heldOut: heldOut.length,
    leavers: allLeavers,
  };
}
