// Cross-fitting: every labelled row is scored by a model fitted on the other folds only, so the
// whole file, not one half of it, measures a model on customers it never saw. Twice as many scored
// customers per decile make the chance wander of a decile's observed rate √2 smaller.
import { hash32 } from "../evaluation/assign";

/**
 * The fold of each row in [0, folds): rows ordered by label, then by a hash of their id, are dealt
 * round-robin, so fold sizes and their churner counts each differ by at most one, and the folds
 * depend only on the rows' ids and labels, not on the order of the file.
 */
export function crossFitFolds(rows: readonly { id: string; churned: boolean }[], folds: number): number[] {
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`crossFitFolds: ${folds} folds; at least 2 needed`);
  const order = rows
    .map((r, index) => ({ index, churned: r.churned, hash: hash32(`${r.id}#fold`), id: r.id }))
    .sort((a, b) => Number(b.churned) - Number(a.churned) || a.hash - b.hash || (a.id < b.id ? -1 : a.id > b.id ? 1 : a.index - b.index));
  const foldOf = new Array<number>(rows.length).fill(0);
  order.forEach((o, rank) => {
    foldOf[o.index] = rank % folds;
  });
  return foldOf;
}

/** Fits a model on `training` (labelled by `labels`, aligned) and answers with its score for any row. */
export type Fitter<Row> = (training: readonly Row[], labels: readonly boolean[]) => (row: Row) => number;

/**
 * Out-of-fold scores aligned with `rows`: row i is scored by the model `fit` built from the rows
 * whose fold differs from foldOf[i]. `fit` runs once per fold.
 */
export function crossFit<Row>(opts: { rows: readonly Row[]; labels: readonly boolean[]; foldOf: readonly number[]; fit: Fitter<Row> }): number[] {
  const { rows, labels, foldOf } = opts;
  if (foldOf.length !== rows.length || labels.length !== rows.length) throw new Error(`crossFit: ${foldOf.length} folds and ${labels.length} labels given for ${rows.length} rows`);
  const scores = new Array<number>(rows.length).fill(Number.NaN);
  for (const k of [...new Set(foldOf)].sort((a, b) => a - b)) {
    const isTraining = (_: unknown, i: number) => foldOf[i] !== k;
    const predict = opts.fit(rows.filter(isTraining), labels.filter(isTraining));
    rows.forEach((row, i) => {
      if (foldOf[i] === k) scores[i] = predict(row);
    });
  }
  return scores;
}
