// Fits the profile part of the churn-risk model on labelled customers and says how good it is on
// customers it never saw. Every row is scored by a model fitted on the other nine tenths of the
// file (cross-fitting), so all of the file, not a half, measures ranking and calibration; the model
// the desk ships is then fitted on every row.
import type { CustomerProfile } from "../domain";
import { hash32 } from "../evaluation/assign";
import { type Calibration, calibrateLogit, fitCalibration } from "../journey/calibration";
import { PROFILE_INPUT_NAMES, type ProfileWeights, profileLogit, profileRiskInputs } from "../journey/risk";
import { type CandidateScore, crossValidate, logisticCandidate, maxGapIfCalibrated } from "./calibration-check";
import { crossFit, crossFitFolds } from "./cross-fit";
import { type DecileRow, auc, calibrationTable, fitLogistic, sigmoid } from "./logistic";

export type ChurnRow = {
  id: string;
  profile: Pick<CustomerProfile, "contractType" | "tenureMonths" | "monthlyRevenue" | "attributes">;
  churned: boolean;
};

export type ChurnModel = { weights: ProfileWeights; calibration: Calibration };

export type ChurnModelScore = {
  rows: number;
  auc: number;
  /** Mean predicted risk and observed churn rate, in [0, 1]. */
  meanPredicted: number;
  observedRate: number;
  deciles: DecileRow[];
  maxGapPoints: number;
  /** Hosmer–Lemeshow statistic over the deciles (see calibrationTable). */
  hosmerLemeshow: number;
};

/** A score on customers the scoring model never saw, beside what chance alone would show on them. */
export type HeldOutScore = ChurnModelScore & {
  /** The largest decile gap a perfectly calibrated score would show on the same customers (points). */
  gapIfCalibrated: { mean: number; p95: number };
};

export type ChurnFitReport = {
  /** Fitted on every row of the file: what the desk ships. */
  model: ChurnModel;
  converged: boolean;
  folds: number;
  /** Every row scored by the model fitted on the other folds (weights and calibration). */
  crossFitted: HeldOutScore;
  /** The shipped model on the rows it was fitted on. */
  all: ChurnModelScore;
  /** The earlier measure: fitted on the rows whose id hashes even, scored on the odd half. */
  halfSplit: { fit: ChurnModelScore; holdout: HeldOutScore };
  /** Models compared by the same cross-fitting (out-of-fold); the first is the one shipped. */
  crossValidation: CandidateScore[];
};

export const CROSS_FIT_FOLDS = 10;

/** The profile inputs of a row in PROFILE_INPUT_NAMES order. */
const inputsOf = (row: ChurnRow) => {
  const i = profileRiskInputs(row.profile);
  return PROFILE_INPUT_NAMES.map((name) => i[name]);
};

/**
 * Models weighed beside the shipped one, each by the same folds: pool-adjacent-violators on the
 * same score, and the profile logit with tenure × contract terms. Neither can be shipped as they
 * stand (the risk score applies a profile logit and Platt's line), so they show what the shipped
 * form leaves on the table.
 */
function otherCandidates() {
  const tenure = PROFILE_INPUT_NAMES.indexOf("logTenure");
  const monthly = PROFILE_INPUT_NAMES.indexOf("monthToMonth");
  const twoYear = PROFILE_INPUT_NAMES.indexOf("twoYear");
  return [
    { name: "isotonic on the profile score", fit: logisticCandidate<ChurnRow>({ inputs: inputsOf, isIsotonic: true }) },
    {
      name: "Platt with tenure × contract",
      fit: logisticCandidate<ChurnRow>({
        inputs: (row) => {
          const x = inputsOf(row);
          return [...x, x[tenure]! * x[monthly]!, x[tenure]! * x[twoYear]!];
        },
        isIsotonic: false,
      }),
    },
  ];
}

/** Rows whose id hashes even were fitted on in the half split; the odd half was held out. */
export function isFittingRow(id: string): boolean {
  return hash32(id) % 2 === 0;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Calibrated profile-only risk of a labelled row, in [0, 1]. */
export function predictChurn(model: ChurnModel, row: ChurnRow): number {
  return sigmoid(calibrateLogit(profileLogit(profileRiskInputs(row.profile), model.weights), model.calibration));
}

/** AUC, mean prediction and the per-decile calibration table of `predicted` against `labels`. */
function scorePredictions(predicted: readonly number[], labels: readonly boolean[]): ChurnModelScore {
  const table = calibrationTable(predicted, labels);
  return {
    rows: predicted.length,
    auc: auc(predicted, labels),
    meanPredicted: predicted.reduce((s, p) => s + p, 0) / Math.max(1, predicted.length),
    observedRate: labels.filter(Boolean).length / Math.max(1, labels.length),
    deciles: table.rows,
    maxGapPoints: table.maxGapPoints,
    hosmerLemeshow: table.hosmerLemeshow,
  };
}

function heldOutScore(predicted: readonly number[], labels: readonly boolean[]): HeldOutScore {
  return { ...scorePredictions(predicted, labels), gapIfCalibrated: maxGapIfCalibrated(predicted) };
}

/** AUC, mean prediction and the per-decile calibration table of `model` on `rows`. */
export function scoreChurnModel(model: ChurnModel, rows: readonly ChurnRow[]): ChurnModelScore {
  return scorePredictions(
    rows.map((r) => predictChurn(model, r)),
    rows.map((r) => r.churned),
  );
}

/**
 * Logistic regression of churn on the profile inputs, then Platt scaling on the same rows; weights
 * and calibration rounded to 4 decimals so that the file written is the model scored.
 */
export function fitProfileModel(rows: readonly ChurnRow[]): { model: ChurnModel; converged: boolean } {
  const fit = fitLogistic({ x: rows.map(inputsOf), y: rows.map((r) => r.churned) });
  const weights = {
    intercept: round(fit.intercept, 4),
    ...Object.fromEntries(PROFILE_INPUT_NAMES.map((name, j) => [name, round(fit.coefficients[j]!, 4)])),
  } as ProfileWeights;
  const raw = rows.map((r) => profileLogit(profileRiskInputs(r.profile), weights));
  const platt = fitCalibration(raw, rows.map((r) => r.churned));
  return { model: { weights, calibration: { intercept: round(platt.intercept, 4), slope: round(platt.slope, 4) } }, converged: fit.converged };
}

const shippedFitter = (training: readonly ChurnRow[]) => {
  const { model } = fitProfileModel(training);
  return (row: ChurnRow) => predictChurn(model, row);
};

/**
 * Out-of-fold risk of every row under `folds`-fold cross-fitting: each row's risk comes from
 * fitProfileModel on the rows of the other folds (crossFitFolds), never from a model that saw it.
 */
export function crossFitChurn(rows: readonly ChurnRow[], folds = CROSS_FIT_FOLDS): number[] {
  return crossFit({ rows, labels: rows.map((r) => r.churned), foldOf: crossFitFolds(rows, folds), fit: shippedFitter });
}

/**
 * The shipped model (fitProfileModel on every row) and how it does on customers it never saw:
 * cross-fitted over `folds` folds, with the half split kept beside it for comparison.
 */
export function fitChurnModel(rows: readonly ChurnRow[], opts: { folds?: number } = {}): ChurnFitReport {
  const folds = opts.folds ?? CROSS_FIT_FOLDS;
  const labels = rows.map((r) => r.churned);
  const foldOf = crossFitFolds(rows, folds);
  const crossValidation = crossValidate({ rows, labels, foldOf, candidates: [{ name: "Platt on the profile logit", fit: shippedFitter }, ...otherCandidates()] });
  const crossFitted = crossValidation[0]!.scores;
  const { model, converged } = fitProfileModel(rows);
  const fitting = rows.filter((r) => isFittingRow(r.id));
  const holdout = rows.filter((r) => !isFittingRow(r.id));
  const halfModel = fitProfileModel(fitting).model;
  return {
    model,
    converged,
    folds,
    crossFitted: heldOutScore(crossFitted, labels),
    all: scoreChurnModel(model, rows),
    halfSplit: {
      fit: scoreChurnModel(halfModel, fitting),
      holdout: heldOutScore(
        holdout.map((r) => predictChurn(halfModel, r)),
        holdout.map((r) => r.churned),
      ),
    },
    crossValidation: crossValidation.map((c) => ({ name: c.name, logLoss: c.logLoss, auc: c.auc, maxGapPoints: c.maxGapPoints })),
  };
}
