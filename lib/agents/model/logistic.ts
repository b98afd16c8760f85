// Logistic regression and the two measures we hold the churn model to: ranking (AUC) and
// calibration (predicted against observed churn per decile). Hand-written because lib/agents may
// import only itself and zod; the data sets are small (thousands of rows, a dozen inputs).

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The log-odds of `p`, clamped away from 0 and 1 so a certain score stays finite. */
export function logit(p: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
}

/** Solves A·x = b by Gaussian elimination with partial pivoting; null when A is singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-12) return null;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const row = m[col]!;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / row[col]!;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * row[c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

export type LogisticFit = {
  intercept: number;
  /** One coefficient per input column, on the logit scale. */
  coefficients: number[];
  iterations: number;
  converged: boolean;
};

/**
 * Maximum-likelihood logistic regression by Newton–Raphson (IRLS) with a small ridge penalty
 * `ridge` on the coefficients (not the intercept), so separable or collinear inputs still give
 * finite weights. Rows of `x` must all have the same length as `coefficients` will.
 */
export function fitLogistic(opts: { x: readonly (readonly number[])[]; y: readonly boolean[]; ridge?: number; maxIterations?: number }): LogisticFit {
  const { x, y } = opts;
  if (x.length !== y.length) throw new Error(`fitLogistic: ${x.length} rows of inputs but ${y.length} labels`);
  if (x.length === 0) throw new Error("fitLogistic: no rows to fit");
  const k = (x[0]?.length ?? 0) + 1;
  const ridge = opts.ridge ?? 1e-4;
  const maxIterations = opts.maxIterations ?? 50;
  let beta = new Array<number>(k).fill(0);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const gradient = new Array<number>(k).fill(0);
    const hessian = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let i = 0; i < x.length; i++) {
      const row = [1, ...x[i]!];
      let z = 0;
      for (let j = 0; j < k; j++) z += beta[j]! * row[j]!;
      const p = sigmoid(z);
      const w = p * (1 - p);
      const residual = (y[i] ? 1 : 0) - p;
      for (let j = 0; j < k; j++) {
        gradient[j]! += residual * row[j]!;
        for (let l = j; l < k; l++) hessian[j]![l]! += w * row[j]! * row[l]!;
      }
    }
    for (let j = 0; j < k; j++) {
      for (let l = 0; l < j; l++) hessian[j]![l] = hessian[l]![j]!;
      if (j > 0) {
        gradient[j]! -= ridge * beta[j]!;
        hessian[j]![j]! += ridge;
      }
    }
    const step = solve(hessian, gradient);
    if (step === null) break;
    beta = beta.map((b, j) => b + step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-9) return { intercept: beta[0]!, coefficients: beta.slice(1), iterations: iteration, converged: true };
  }
  return { intercept: beta[0]!, coefficients: beta.slice(1), iterations: maxIterations, converged: false };
}

/**
 * Area under the ROC curve in [0, 1]: the chance that a random churner scores above a random
 * stayer, ties counting one half (Mann–Whitney). NaN when either class is absent.
 */
export function auc(scores: readonly number[], labels: readonly boolean[]): number {
  const order = scores.map((s, i) => ({ s, isPositive: labels[i] === true })).sort((a, b) => a.s - b.s);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]!.s === order[i]!.s) j++;
    const midRank = (i + 1 + j) / 2;
    for (let t = i; t < j; t++) {
      if (order[t]!.isPositive) {
        positives++;
        rankSum += midRank;
      }
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export type DecileRow = {
  /** 1 is the lowest predicted risk. */
  decile: number;
  n: number;
  /** Mean predicted probability, in [0, 1]. */
  predicted: number;
  /** Share that churned, in [0, 1]. */
  observed: number;
  /** |predicted − observed| in percentage points. */
  gapPoints: number;
};

/**
 * Rows sorted by prediction and cut into `groups` groups of equal size (± 1), each with its mean
 * prediction and observed rate; `maxGapPoints` is the largest absolute gap, in percentage points.
 * `hosmerLemeshow` is Σ (observed − expected)² / (expected × (1 − mean predicted)) over the groups:
 * on data the model was not fitted on it follows χ² with `groups` degrees of freedom when the model
 * is calibrated (18.3 is the 5% critical value for 10), which tells a real miss from a decile's noise.
 */
export function calibrationTable(predicted: readonly number[], labels: readonly boolean[], groups = 10): { rows: DecileRow[]; maxGapPoints: number; hosmerLemeshow: number } {
  const order = predicted.map((p, i) => ({ p, isPositive: labels[i] === true })).sort((a, b) => a.p - b.p);
  const rows: DecileRow[] = [];
  for (let g = 0; g < groups; g++) {
    const slice = order.slice(Math.floor((g * order.length) / groups), Math.floor(((g + 1) * order.length) / groups));
    if (slice.length === 0) continue;
    const meanPredicted = slice.reduce((s, r) => s + r.p, 0) / slice.length;
    const observed = slice.filter((r) => r.isPositive).length / slice.length;
    rows.push({ decile: g + 1, n: slice.length, predicted: meanPredicted, observed, gapPoints: Math.abs(meanPredicted - observed) * 100 });
  }
  const hosmerLemeshow = rows.reduce((sum, r) => {
    const expected = r.predicted * r.n;
    const variance = expected * (1 - r.predicted);
    return variance > 0 ? sum + (r.observed * r.n - expected) ** 2 / variance : sum;
  }, 0);
  return { rows, maxGapPoints: rows.reduce((max, r) => Math.max(max, r.gapPoints), 0), hosmerLemeshow };
}
