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

export type Baseline = {
  /** Probability that a customer of this risk leaves within the window when held out, in [0, 1]. */
  expectedChurn: (risk: number | null) => number;
  heldOut: number;
  leavers: number;
};

type Band = { upperRisk: number; ratePerRisk: number; flatRate: number };

const churnOf = (group: readonly BaselineObservation[]) => (group.length === 0 ? 0 : group.filter((o) => o.hasLeft).length / group.length);

/**
 * Fits the baseline on held-out outcomes: risk bands of about equal size (about `bands`), in each
 * expected churn = risk × leavers / Σ risk, capped at 1; customers without a scored risk are
 * compared with the held-out customers without one (or all of them, if none).
 */
export function fitBaseline(heldOut: readonly BaselineObservation[], opts: { bands?: number } = {}): Baseline {
  const scored = heldOut.filter((o): o is BaselineObservation & { risk: number } => o.risk !== null && Number.isFinite(o.risk)).sort((a, b) => a.risk - b.risk);
  const unscored = heldOut.filter((o) => o.risk === null || !Number.isFinite(o.risk));
  const overall = churnOf(heldOut);
  const unscoredRate = unscored.length > 0 ? churnOf(unscored) : overall;
  // Customers of equal risk stay in one band: split between two, each band would read a different rate for the same risk.
  const target = scored.length / Math.max(1, opts.bands ?? BASELINE_RISK_BANDS);
  const groups: (typeof scored)[] = [];
  for (const o of scored) {
    const current = groups[groups.length - 1];
    if (current && (current.length < target || current[current.length - 1]!.risk === o.risk)) current.push(o);
    else groups.push([o]);
  }
  const bands: Band[] = groups.map((members, b) => {
    const riskSum = members.reduce((s, o) => s + o.risk, 0);
    const leavers = members.filter((o) => o.hasLeft).length;
    return { upperRisk: b === groups.length - 1 ? Number.POSITIVE_INFINITY : members[members.length - 1]!.risk, ratePerRisk: riskSum > 0 ? leavers / riskSum : 0, flatRate: churnOf(members) };
  });
  return {
    expectedChurn: (risk) => {
      if (risk === null || !Number.isFinite(risk)) return unscoredRate;
      const band = bands.find((b) => risk <= b.upperRisk);
      if (!band) return overall;
      // A band scored all zero has no risk to scale: its customers leave at its plain rate.
      return Math.min(1, band.ratePerRisk > 0 ? band.ratePerRisk * risk : band.flatRate);
    },
    heldOut: heldOut.length,
    leavers: heldOut.filter((o) => o.hasLeft).length,
  };
}
