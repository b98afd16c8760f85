// Fits the profile part of the churn-risk model on labelled customers and says how good it is on
// customers it never saw. Rows split by a stable hash of their id, so a refit on the same file
// always fits and tests the same customers.
import type { CustomerProfile } from "../domain";
import { hash32 } from "../evaluation/assign";
import { type Calibration, calibrateLogit, fitCalibration } from "../journey/calibration";
import { PROFILE_INPUT_NAMES, type ProfileWeights, profileLogit, profileRiskInputs } from "../journey/risk";
import { type CandidateScore, crossValidate, maxGapIfCalibrated } from "./calibration-check";
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

export type ChurnFitReport = {
  model: ChurnModel;
  fit: ChurnModelScore;
  holdout: ChurnModelScore;
  all: ChurnModelScore;
  converged: boolean;
  /** The calibrations compared on the fitting half by 5-fold cross-validation; the first is the one fitted. */
  crossValidation: CandidateScore[];
  /** The largest held-out decile gap a perfectly calibrated score would show on the same customers (points). */
  holdoutGapIfCalibrated: { mean: number; p95: number };
};

/** The profile inputs of a row in PROFILE_INPUT_NAMES order. */
const inputsOf = (row: ChurnRow) => {
  const i = profileRiskInputs(row.profile);
  return PROFILE_INPUT_NAMES.map((name) => i[name]);
};

/**
 * The calibrations weighed before fitting, each on the fitting half only: Platt's line on the
 * logit of the profile inputs (what the desk scores with), pool-adjacent-violators on the same
 * score, and Platt on a richer logit with tenure × contract interactions.
 */
function calibrationCandidates(rows: readonly ChurnRow[]) {
  const inputs = rows.map(inputsOf);
  const tenure = PROFILE_INPUT_NAMES.indexOf("logTenure");
  const monthly = PROFILE_INPUT_NAMES.indexOf("monthToMonth");
  const twoYear = PROFILE_INPUT_NAMES.indexOf("twoYear");
  return [
    { name: "Platt on the profile logit", inputs: (i: number) => inputs[i]!, isIsotonic: false },
    { name: "isotonic on the profile score", inputs: (i: number) => inputs[i]!, isIsotonic: true },
    {
      name: "Platt with tenure × contract",
      inputs: (i: number) => {
        const x = inputs[i]!;
        return [...x, x[tenure]! * x[monthly]!, x[tenure]! * x[twoYear]!];
      },
      isIsotonic: false,
    },
  ];
}

/** Rows whose id hashes even are fitted on; the odd half is held out for testing. */
export function isFittingRow(id: string): boolean {
  return hash32(id) % 2 === 0;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Calibrated profile-only risk of a labelled row, in [0, 1]. */
export function predictChurn(model: ChurnModel, row: ChurnRow): number {
  return sigmoid(calibrateLogit(profileLogit(profileRiskInputs(row.profile), model.weights), model.calibration));
}

/** AUC, mean prediction and the per-decile calibration table of `model` on `rows`. */
export function scoreChurnModel(model: ChurnModel, rows: readonly ChurnRow[]): ChurnModelScore {
  const predicted = rows.map((r) => predictChurn(model, r));
  const labels = rows.map((r) => r.churned);
  const table = calibrationTable(predicted, labels);
  return {
    rows: rows.length,
    auc: auc(predicted, labels),
    meanPredicted: predicted.reduce((s, p) => s + p, 0) / Math.max(1, rows.length),
    observedRate: labels.filter(Boolean).length / Math.max(1, rows.length),
    deciles: table.rows,
    maxGapPoints: table.maxGapPoints,
    hosmerLemeshow: table.hosmerLemeshow,
  };
}

/**
 * Logistic regression of churn on the profile inputs over the fitting half, then Platt scaling on
 * the same half (cross-validation on that half preferred it to isotonic calibration and to added
 * tenure × contract terms: see `crossValidation`); weights rounded to 4 decimals so that the file written is the model scored. The
 * held-out half is touched only by the scoring.
 */
export function fitChurnModel(rows: readonly ChurnRow[]): ChurnFitReport {
  const fitting = rows.filter((r) => isFittingRow(r.id));
  const holdout = rows.filter((r) => !isFittingRow(r.id));
  const inputs = fitting.map((r) => profileRiskInputs(r.profile));
  const fit = fitLogistic({ x: inputs.map((i) => PROFILE_INPUT_NAMES.map((name) => i[name])), y: fitting.map((r) => r.churned) });
  const weights = {
    intercept: round(fit.intercept, 4),
    ...Object.fromEntries(PROFILE_INPUT_NAMES.map((name, j) => [name, round(fit.coefficients[j]!, 4)])),
  } as ProfileWeights;
  const raw = fitting.map((r) => profileLogit(profileRiskInputs(r.profile), weights));
  const platt = fitCalibration(raw, fitting.map((r) => r.churned));
  const model: ChurnModel = { weights, calibration: { intercept: round(platt.intercept, 4), slope: round(platt.slope, 4) } };
  const crossValidation = crossValidate({ ids: fitting.map((r) => r.id), labels: fitting.map((r) => r.churned), candidates: calibrationCandidates(fitting) });
  return {
    model,
    fit: scoreChurnModel(model, fitting),
    holdout: scoreChurnModel(model, holdout),
    all: scoreChurnModel(model, rows),
    converged: fit.converged,
    crossValidation,
    holdoutGapIfCalibrated: maxGapIfCalibrated(holdout.map((r) => predictChurn(model, r))),
  };
}
