// How far a churn score's calibration can be judged from the customers it was measured on, and how
// other models compare by the same folds. A decile of the 7,043 Telco customers holds about 704:
// at 30% churn its observed rate wanders ±1.7 points by chance alone, so the largest of ten gaps is
// compared with what a perfectly calibrated score would show on the same customers.
import { mulberry32 } from "../random";
import { type Fitter, crossFit } from "./cross-fit";
import { auc, calibrationTable, fitLogistic, sigmoid } from "./logistic";

/**
 * The largest decile gap (points) when each label is drawn from its own prediction, i.e. under
 * perfect calibration: mean and 95th percentile over `draws` draws, fixed by `seed`.
 */
export function maxGapIfCalibrated(predicted: readonly number[], opts: { draws?: number; seed?: number } = {}): { mean: number; p95: number } {
  const draws = opts.draws ?? 500;
  const random = mulberry32(opts.seed ?? 14);
  const gaps: number[] = [];
  for (let d = 0; d < draws; d++) {
    const labels = predicted.map((p) => random() < p);
    gaps.push(calibrationTable(predicted, labels).maxGapPoints);
  }
  gaps.sort((a, b) => a - b);
  return { mean: gaps.reduce((s, g) => s + g, 0) / Math.max(1, draws), p95: gaps[Math.min(draws - 1, Math.floor(draws * 0.95))] ?? 0 };
}

export type CandidateScore = { name: string; logLoss: number; auc: number; maxGapPoints: number };

/** A model weighed by cross-validation: how it is fitted on some rows and scores any row. */
export type Candidate<Row> = { name: string; fit: Fitter<Row> };

/** Pool-adjacent-violators: the non-decreasing step function of `scores` closest to the labels. */
export function isotonicMap(scores: readonly number[], labels: readonly boolean[]): (score: number) => number {
  const order = scores.map((s, i) => ({ s, y: labels[i] ? 1 : 0 })).sort((a, b) => a.s - b.s);
  const blocks: { upper: number; sum: number; n: number }[] = [];
  for (const o of order) {
    blocks.push({ upper: o.s, sum: o.y, n: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2]!.sum / blocks[blocks.length - 2]!.n >= blocks[blocks.length - 1]!.sum / blocks[blocks.length - 1]!.n) {
      const last = blocks.pop()!;
      const prev = blocks[blocks.length - 1]!;
      prev.sum += last.sum;
      prev.n += last.n;
      prev.upper = last.upper;
    }
  }
  // A step of 0 or 1 would make one surprise cost infinite log loss: kept a hair inside.
  return (score) => {
    const block = blocks.find((b) => score <= b.upper) ?? blocks[blocks.length - 1];
    return block ? Math.min(0.999, Math.max(0.001, block.sum / block.n)) : 0.5;
  };
}

/**
 * A logistic regression on `inputs`, its fitted probabilities then mapped by pool-adjacent-violators
 * fitted on the same rows when `isIsotonic` (without it, Platt's line on the fitting rows' own logit
 * is the identity, so none is applied).
 */
export function logisticCandidate<Row>(opts: { inputs: (row: Row) => number[]; isIsotonic: boolean }): Fitter<Row> {
  return (training, labels) => {
    const x = training.map(opts.inputs);
    const fit = fitLogistic({ x, y: labels });
    const probability = (inputs: readonly number[]) => sigmoid(fit.intercept + inputs.reduce((s, v, j) => s + v * fit.coefficients[j]!, 0));
    const map = opts.isIsotonic ? isotonicMap(x.map(probability), labels) : (p: number) => p;
    return (row) => map(probability(opts.inputs(row)));
  };
}

/**
 * Out-of-fold log loss, AUC and largest decile gap of each candidate on `labels`, each cross-fitted
 * over the folds `foldOf` (see crossFit), with the out-of-fold scores themselves.
 */
export function crossValidate<Row>(opts: { rows: readonly Row[]; labels: readonly boolean[]; foldOf: readonly number[]; candidates: readonly Candidate<Row>[] }): (CandidateScore & { scores: number[] })[] {
  return opts.candidates.map((c) => {
    const scores = crossFit({ rows: opts.rows, labels: opts.labels, foldOf: opts.foldOf, fit: c.fit });
    const logLoss = -scores.reduce((s, p, i) => s + Math.log(Math.min(1 - 1e-12, Math.max(1e-12, opts.labels[i] ? p : 1 - p))), 0) / Math.max(1, scores.length);
    return { name: c.name, logLoss, auc: auc(scores, opts.labels), maxGapPoints: calibrationTable(scores, opts.labels).maxGapPoints, scores };
  });
}
