// Lift of a treated group over its control group with Wald intervals: simple enough to check by
// hand, and honest about its sample sizes. Proportions are in [0, 1]; lifts are in proportion units.

/** Two-sided 95% normal quantile. */
export const Z_95 = 1.959963984540054;
/** One-sided quantile for 80% power. */
export const Z_POWER_80 = 0.8416212335729143;

export type GroupCounts = { n: number; retained: number };

export type Interval = { low: number; high: number };

export type PowerNeed =
  | { status: "significant" }
  /** More outcomes each arm needs, at the current ratio of treated to held out, to detect the observed lift 80% of the time. */
  | { status: "needs_more"; treated: number; control: number }
  /** No difference observed: no sample size would detect it. */
  | { status: "no_difference" };

export type Lift = {
  treatedRate: number;
  controlRate: number;
  absoluteLift: number;
  absoluteInterval: Interval;
  /** Null when the control group retained nobody (a ratio to zero). */
  relativeLift: number | null;
  relativeInterval: Interval | null;
  isSignificant: boolean;
  /**
   * Each group has at least RELIABLE_MIN customers who stayed and as many who left: the usual
   * condition for the normal approximation behind a Wald interval. Below it (a control group of 13
   * with one leaver) the interval comes out too narrow and misses the true lift far more often than
   * 1 time in 20.
   */
  isIntervalReliable: boolean;
  power: PowerNeed;
};

/** Customers who stayed, and who left, each group needs for its Wald interval to be reliable. */
export const RELIABLE_MIN = 5;

/**
 * Lift of `treated` over `control`: difference of proportions with a Wald interval, relative lift
 * (p1/p0 − 1) with a delta-method interval. Both groups need at least one outcome.
 */
export function computeLift(treated: GroupCounts, control: GroupCounts): Lift {
  const p1 = treated.retained / treated.n;
  const p0 = control.retained / control.n;
  const d = p1 - p0;
  const variance1 = (p1 * (1 - p1)) / treated.n;
  const variance0 = (p0 * (1 - p0)) / control.n;
  const se = Math.sqrt(variance1 + variance0);
  const absoluteInterval = { low: d - Z_95 * se, high: d + Z_95 * se };
  // Var(p1/p0) ≈ Var(p1)/p0² + p1²·Var(p0)/p0⁴ (first-order Taylor expansion of the ratio).
  const relative = p0 > 0 ? p1 / p0 - 1 : null;
  const relativeSe = p0 > 0 ? Math.sqrt(variance1 / p0 ** 2 + (p1 ** 2 * variance0) / p0 ** 4) : null;
  const relativeInterval = relative !== null && relativeSe !== null ? { low: relative - Z_95 * relativeSe, high: relative + Z_95 * relativeSe } : null;
  const isSignificant = absoluteInterval.low > 0 || absoluteInterval.high < 0;
  const isGroupReliable = (g: GroupCounts) => g.retained >= RELIABLE_MIN && g.n - g.retained >= RELIABLE_MIN;
  return {
    treatedRate: p1,
    controlRate: p0,
    absoluteLift: d,
    absoluteInterval,
    relativeLift: relative,
    relativeInterval,
    isSignificant,
    isIntervalReliable: isGroupReliable(treated) && isGroupReliable(control),
    power: isSignificant ? { status: "significant" } : powerNeed({ p1, p0, n1: treated.n, n0: control.n }),
  };
}

/**
 * Sample sizes for 80% power at α = 0.05 (two-sided) keeping the ratio k = n1/n0:
 * n0 = (z_α/2 + z_β)² · (p1(1−p1)/k + p0(1−p0)) / d², n1 = k·n0; returns what is missing per arm.
 */
function powerNeed(opts: { p1: number; p0: number; n1: number; n0: number }): PowerNeed {
  const d = opts.p1 - opts.p0;
  const spread = opts.p1 * (1 - opts.p1) + opts.p0 * (1 - opts.p0);
  if (d === 0 || spread === 0) return { status: "no_difference" };
  const k = opts.n1 / opts.n0;
  const required0 = ((Z_95 + Z_POWER_80) ** 2 * ((opts.p1 * (1 - opts.p1)) / k + opts.p0 * (1 - opts.p0))) / d ** 2;
  const required1 = k * required0;
  return { status: "needs_more", treated: Math.max(0, Math.ceil(required1 - opts.n1)), control: Math.max(0, Math.ceil(required0 - opts.n0)) };
}
