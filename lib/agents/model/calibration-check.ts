// How far a churn score's calibration can be judged from one held-out half, and which calibration
// the fitting half itself prefers. Each held-out decile of the Telco file holds about 351 customers:
// at 30% churn its observed rate wanders ±2.4 points by chance alone, so the largest of ten gaps is
// compared with what a perfectly calibrated score would show on the same customers.
import { hash32 } from "../evaluation/assign";
import { mulberry32 } from "../random";
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

export type CalibrationCandidate = {
  name: string;
  /** Inputs of one row; the logistic weights are fitted on them. */
  inputs: (row: number) => number[];
  /** Pool-adjacent-violators on the fitted probabilities instead of Platt's line on the logit. */
  isIsotonic: boolean;
};

export type CandidateScore = { name: string; logLoss: number; auc: number; maxGapPoints: number };

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
 * Out-of-fold log loss, AUC and largest decile gap of each candidate on `labels`, by `folds`-fold
 * cross-validation with folds fixed by a hash of `ids`: only the rows given (the fitting half) are used.
 */
export function crossValidate(opts: { ids: readonly string[]; labels: readonly boolean[]; candidates: readonly CalibrationCandidate[]; folds?: number }): CandidateScore[] {
  const folds = opts.folds ?? 5;
  const foldOf = opts.ids.map((id) => hash32(`${id}#fold`) % folds);
  return opts.candidates.map((c) => {
    const x = opts.ids.map((_, i) => c.inputs(i));
    const outOfFold: number[] = new Array<number>(opts.ids.length).fill(0.5);
    for (let k = 0; k < folds; k++) {
      const train = opts.ids.flatMap((_, i) => (foldOf[i] !== k ? [i] : []));
      const fit = fitLogistic({ x: train.map((i) => x[i]!), y: train.map((i) => opts.labels[i]!) });
      const predict = (i: number) => sigmoid(fit.intercept + x[i]!.reduce((s, v, j) => s + v * fit.coefficients[j]!, 0));
      const map = c.isIsotonic ? isotonicMap(train.map(predict), train.map((i) => opts.labels[i]!)) : (p: number) => p;
      opts.ids.forEach((_, i) => {
        if (foldOf[i] === k) outOfFold[i] = map(predict(i));
      });
    }
    const logLoss = -outOfFold.reduce((s, p, i) => s + Math.log(Math.min(1 - 1e-12, Math.max(1e-12, opts.labels[i] ? p : 1 - p))), 0) / Math.max(1, outOfFold.length);
    return { name: c.name, logLoss, auc: auc(outOfFold, opts.labels), maxGapPoints: calibrationTable(outOfFold, opts.labels).maxGapPoints };
  });
}
