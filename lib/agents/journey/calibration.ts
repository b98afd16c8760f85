// Calibration of the churn score: risk = sigmoid(intercept + slope × z), z the model's logit. A
// ranking can be right while its probabilities are too high or too low; since value = risk × effect
// × lifetime value, a probability 10 points too high inflates every expected value, so the score is
// mapped onto observed churn, first from the fitting data, then from what recorded outcomes show.
import { fitLogistic, logit, sigmoid } from "../model/logistic";

/** Intercept and slope on the logit scale; the identity is { intercept: 0, slope: 1 }. */
export type Calibration = { intercept: number; slope: number };

export const IDENTITY_CALIBRATION: Calibration = { intercept: 0, slope: 1 };

/** Outcomes needed before a recalibration is trusted: fewer leave the intercept and slope to noise. */
export const MIN_RECALIBRATION_OUTCOMES = 200;

/** The calibrated logit of a raw model logit. */
export function calibrateLogit(z: number, calibration: Calibration): number {
  return calibration.intercept + calibration.slope * z;
}

/** Platt scaling: the intercept and slope that best map raw logits `z` onto the labels (maximum likelihood). */
export function fitCalibration(z: readonly number[], churned: readonly boolean[]): Calibration {
  const fit = fitLogistic({ x: z.map((v) => [v]), y: churned, ridge: 0 });
  return { intercept: fit.intercept, slope: fit.coefficients[0]! };
}

/** Weight of the pull of a recalibrated slope towards 1, in outcomes' log-likelihood units. */
const SLOPE_PENALTY = 1;

export type OutcomeObservation = {
  /** The 12-month churn risk the decision used, in [0, 1]. */
  risk: number;
  /** True when the customer left within the outcome's window. */
  hasLeft: boolean;
};

export type Recalibration =
  | { ok: true; calibration: Calibration; outcomes: number; leavers: number }
  | { ok: false; calibration: Calibration; outcomes: number; reason: string };

/**
 * Refits the calibration from recorded outcomes of customers who were NOT treated (a treatment
 * lowers churn, which would read as over-prediction). Risk is a 12-month probability and an outcome
 * covers `windowMonths` (3 for the 90-day flag), so the fitted model is
 * P(left within window) = 1 − (1 − sigmoid(a + b·logit(risk)))^(windowMonths / 12), solved by Fisher
 * scoring, and composed with `current`: the answer applies to raw logits like `current` does. A
 * penalty worth about one outcome holds the slope at 1 when the risks barely differ, so a group
 * scored alike still corrects the intercept.
 * Keeps `current` when there are fewer than `minOutcomes` outcomes or no leaver or no stayer.
 */
export function recalibrateFromOutcomes(opts: { current: Calibration; observations: readonly OutcomeObservation[]; windowMonths: number; minOutcomes?: number }): Recalibration {
  const { current, observations } = opts;
  const minOutcomes = opts.minOutcomes ?? MIN_RECALIBRATION_OUTCOMES;
  const leavers = observations.filter((o) => o.hasLeft).length;
  if (observations.length < minOutcomes) {
    return { ok: false, calibration: current, outcomes: observations.length, reason: `${observations.length} of ${minOutcomes} untreated outcomes needed to recalibrate` };
  }
  if (leavers === 0 || leavers === observations.length) {
    return { ok: false, calibration: current, outcomes: observations.length, reason: `every untreated outcome is the same (${leavers === 0 ? "all stayed" : "all left"}): nothing to calibrate against` };
  }
  const k = Math.min(1, Math.max(1 / 365, opts.windowMonths / 12));
  const u = observations.map((o) => logit(o.risk));
  const y = observations.map((o) => o.hasLeft);
  const logLikelihood = (a: number, b: number) => {
    let sum = 0;
    for (let i = 0; i < u.length; i++) {
      const p = 1 - (1 - sigmoid(a + b * u[i]!)) ** k;
      const clamped = Math.min(1 - 1e-12, Math.max(1e-12, p));
      sum += y[i] ? Math.log(clamped) : Math.log(1 - clamped);
    }
    return sum - (SLOPE_PENALTY / 2) * (b - 1) ** 2;
  };
  let a = 0;
  let b = 1;
  let bestLogLikelihood = logLikelihood(a, b);
  for (let iteration = 0; iteration < 100; iteration++) {
    let ga = 0;
    let gb = 0;
    let iaa = 0;
    let iab = 0;
    let ibb = 0;
    for (let i = 0; i < u.length; i++) {
      const s = sigmoid(a + b * u[i]!);
      const q = Math.max(1e-12, (1 - s) ** k);
      const p = Math.max(1e-12, 1 - q);
      const dEta = k * s * ((y[i] ? q / p : 0) - (y[i] ? 0 : 1));
      const info = (k * k * s * s * q) / p;
      ga += dEta;
      gb += dEta * u[i]!;
      iaa += info;
      iab += info * u[i]!;
      ibb += info * u[i]! * u[i]!;
    }
    gb -= SLOPE_PENALTY * (b - 1);
    ibb += SLOPE_PENALTY;
    const det = iaa * ibb - iab * iab;
    if (!(Math.abs(det) > 1e-12)) break;
    let da = (ibb * ga - iab * gb) / det;
    let db = (iaa * gb - iab * ga) / det;
    // Step halving keeps each step uphill: far from the optimum a full scoring step can overshoot.
    let next = logLikelihood(a + da, b + db);
    for (let half = 0; half < 30 && next < bestLogLikelihood; half++) {
      da /= 2;
      db /= 2;
      next = logLikelihood(a + da, b + db);
    }
    if (next < bestLogLikelihood) break;
    a += da;
    b += db;
    bestLogLikelihood = next;
    if (Math.max(Math.abs(da), Math.abs(db)) < 1e-9) break;
  }
  return {
    ok: true,
    calibration: { intercept: a + b * current.intercept, slope: b * current.slope },
    outcomes: observations.length,
    leavers,
  };
}
