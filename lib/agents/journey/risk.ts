// Churn risk and lifetime value.
//
// Risk is a logistic model: risk = 1 / (1 + e^-z), with z = profile part + journey part.
//  - The profile part uses only what every customer has (contract, tenure, monthly charge) and the
//    services and billing facts an import may carry in `attributes`, so an imported customer with no
//    events still gets a ranked risk. Its weights are fitted by logistic regression on every customer
//    of the public Telco Customer Churn data set by `npm run model:fit`, which writes them to
//    weights.ts and reports the AUC and per-decile calibration by 10-fold cross-fitting (each
//    customer scored by a model fitted without them).
//  - The sum is calibrated (calibration.ts): an intercept and slope on the logit, Platt-fitted with
//    the weights and refitted later from the outcomes of untreated customers, so the probability and
//    not only the ranking is right: value = risk × effect × lifetime value.
//  - The journey part adds evidence from events. No outcome labels exist for it, so its weights are
//    judgement, sized so one strong signal (a port-out enquiry) moves a typical customer from about
//    one in four to above one in two, and a weak one (an old device) by a few points.
//  - A churn score found in the data is blended in on the logit scale with weight
//    `CHURN_SCORE_BLEND`: it knows things we do not, but it is one opinion, not the answer.
// Read risk as the probability of leaving within the next 12 months.
import type { CustomerProfile } from "../domain";
import { type Attributes, findKey, readFlag, readLabel, toLabel } from "./attributes";
import { type Calibration, calibrateLogit } from "./calibration";
import { FITTED_CHURN_MODEL } from "./weights";

export type ContractKind = "month_to_month" | "one_year" | "two_year" | "unknown";

/**
 * Inputs of the profile part, each weighed on the logit scale: monthToMonth (1, or 0.5 for an
 * unknown contract), twoYear, logTenure (ln(1 + tenure months)), monthlyCharge (per £100),
 * fiberInternet, noInternet, missingSupportService (online security and tech support, counted only
 * with internet), electronicCheck, paperlessBilling, seniorCitizen.
 */
export const PROFILE_INPUT_NAMES = [
  "monthToMonth",
  "twoYear",
  "logTenure",
  "monthlyCharge",
  "fiberInternet",
  "noInternet",
  "missingSupportService",
  "electronicCheck",
  "paperlessBilling",
  "seniorCitizen",
] as const;

export type ProfileInputName = (typeof PROFILE_INPUT_NAMES)[number];
export type ProfileWeights = Record<"intercept" | ProfileInputName, number>;

/** Profile weights on the logit scale, as last fitted by `npm run model:fit`. */
export const PROFILE_WEIGHTS: ProfileWeights = FITTED_CHURN_MODEL.weights;

/** Calibration of the whole logit (profile and journey parts), as fitted on the churn file. */
export const RISK_CALIBRATION: Calibration = FITTED_CHURN_MODEL.calibration;

// The calibration the risk score applies: the file's until recorded outcomes give one
// (lib/pipeline/risk-calibration.ts). Held per process, as the catalog is loaded per run: every
// analysis of a run must read the same calibration, and it changes only when outcomes refresh it.
let calibrationInForce: Calibration = RISK_CALIBRATION;

/** Makes `calibration` the one churnRisk applies by default; null goes back to the file's. */
export function setRiskCalibrationInForce(calibration: Calibration | null): void {
  calibrationInForce = calibration ?? RISK_CALIBRATION;
}

/** The calibration churnRisk applies by default. */
export function riskCalibrationInForce(): Calibration {
  return calibrationInForce;
}

/** Journey weights on the logit scale (judgement; see the file comment). */
export const JOURNEY_WEIGHTS = {
  /** Per complaint in the last 90 days, up to `complaintCap`. */
  recentComplaint: 0.35,
  complaintCap: 4,
  /** Per network incident in the last 90 days, up to `incidentCap`. */
  recentIncident: 0.15,
  incidentCap: 3,
  /** Times the share of poor network snapshots. */
  poorNetworkShare: 1,
  /** Per late payment, up to `latePaymentCap`. */
  latePayment: 0.2,
  latePaymentCap: 3,
  /** Per missed payment, up to `missedPaymentCap`. */
  missedPayment: 0.45,
  missedPaymentCap: 2,
  /** Times the fall in usage (a 40% fall adds 0.6), the fall capped at 80%. */
  usageDecline: 1.5,
  /** Times the rise of the bill (a 20% rise adds 0.2), the rise capped at 50%. */
  billRise: 1,
  /** Times mean sentiment in [-1, 1]: negative sentiment raises risk. */
  sentiment: -0.8,
  portOutEnquiry: 1.5,
  /** Per declined offer, up to `declinedOfferCap`. */
  declinedOffer: 0.1,
  declinedOfferCap: 3,
  /** Per campaign response, up to `campaignResponseCap`: engaged customers stay. */
  campaignResponse: -0.1,
  campaignResponseCap: 3,
  /** A device at least `oldDeviceMonths` old. */
  oldDevice: 0.2,
  oldDeviceMonths: 24,
} as const;

/** Weight of a churn score from the data when blended with ours on the logit scale, in [0, 1]. */
export const CHURN_SCORE_BLEND = 0.5;

/** Horizon of lifetime value, in months. */
export const LIFETIME_HORIZON_MONTHS = 60;

/** The contract kind of a free-form contract name ("Month-to-month", "24 month", "One year"...). */
export function contractKind(contractType: string): ContractKind {
  const label = toLabel(contractType);
  if (/(^|_)(two|2)_?(year|yr)|(^|_)24_?months?/.test(label)) return "two_year";
  if (/(^|_)(one|1)_?(year|yr)|(^|_)(12|18)_?months?|annual/.test(label)) return "one_year";
  if (/month_to_month|monthly|rolling|no_contract|(^|_)(1|30)_?(month|day)|sim_only|flex|pay_as_you_go|payg/.test(label)) return "month_to_month";
  return "unknown";
}

function attribute(attrs: Attributes, name: string): { label: string | null; flag: boolean | null } {
  const key = findKey(attrs, name);
  if (key === null) return { label: null, flag: null };
  return { label: readLabel(attrs, key), flag: readFlag(attrs, key) };
}

/** Named inputs of the profile part, each 0 when the profile does not say. */
export function profileRiskInputs(profile: Pick<CustomerProfile, "contractType" | "tenureMonths" | "monthlyRevenue" | "attributes">) {
  const attrs = profile.attributes;
  const kind = contractKind(profile.contractType);
  const internet = attribute(attrs, "InternetService").label;
  const hasInternet = internet !== null && internet !== "no";
  const missingSupport = ["OnlineSecurity", "TechSupport"].filter((name) => attribute(attrs, name).label === "no").length;
  const payment = attribute(attrs, "PaymentMethod").label ?? "";
  const tenure = Math.max(0, Number.isFinite(profile.tenureMonths) ? profile.tenureMonths : 0);
  const charge = Math.max(0, Number.isFinite(profile.monthlyRevenue) ? profile.monthlyRevenue : 0);
  return {
    // An unknown contract sits halfway between rolling and a one-year term.
    monthToMonth: kind === "month_to_month" ? 1 : kind === "unknown" ? 0.5 : 0,
    twoYear: kind === "two_year" ? 1 : 0,
    logTenure: Math.log1p(tenure),
    monthlyCharge: charge / 100,
    fiberInternet: internet !== null && internet.includes("fib") ? 1 : 0,
    noInternet: internet === "no" ? 1 : 0,
    missingSupportService: hasInternet ? missingSupport : 0,
    electronicCheck: payment.includes("electronic") ? 1 : 0,
    paperlessBilling: attribute(attrs, "PaperlessBilling").flag === true ? 1 : 0,
    seniorCitizen: attribute(attrs, "SeniorCitizen").flag === true ? 1 : 0,
  } satisfies Record<ProfileInputName, number>;
}

export type ProfileRiskInputs = ReturnType<typeof profileRiskInputs>;

/** The profile part of the logit; finite for any profile. */
export function profileLogit(inputs: ProfileRiskInputs, weights: ProfileWeights = PROFILE_WEIGHTS): number {
  let z = weights.intercept;
  for (const [name, value] of Object.entries(inputs) as [keyof ProfileRiskInputs, number][]) z += weights[name] * value;
  return z;
}

/** Journey facts the risk reads; nulls mean "no evidence" and add nothing. */
export type JourneyRiskSignals = {
  complaintsLast90Days: number;
  incidentsLast90Days: number;
  poorNetworkShare: number | null;
  latePayments: number;
  missedPayments: number;
  usageTrend: number | null;
  revenueTrend: number | null;
  sentiment: number | null;
  hasPortOutEnquiry: boolean;
  offersDeclined: number;
  campaignResponses: number;
  deviceAgeMonths: number | null;
};

/** The journey part of the logit; 0 for a journey with no events. */
export function journeyLogit(s: JourneyRiskSignals): number {
  const w = JOURNEY_WEIGHTS;
  let z = 0;
  z += w.recentComplaint * Math.min(s.complaintsLast90Days, w.complaintCap);
  z += w.recentIncident * Math.min(s.incidentsLast90Days, w.incidentCap);
  z += w.poorNetworkShare * (s.poorNetworkShare ?? 0);
  z += w.latePayment * Math.min(s.latePayments, w.latePaymentCap);
  z += w.missedPayment * Math.min(s.missedPayments, w.missedPaymentCap);
  z += w.usageDecline * Math.min(0.8, Math.max(0, -(s.usageTrend ?? 0)));
  z += w.billRise * Math.min(0.5, Math.max(0, s.revenueTrend ?? 0));
  z += w.sentiment * (s.sentiment ?? 0);
  z += s.hasPortOutEnquiry ? w.portOutEnquiry : 0;
  z += w.declinedOffer * Math.min(s.offersDeclined, w.declinedOfferCap);
  z += w.campaignResponse * Math.min(s.campaignResponses, w.campaignResponseCap);
  z += s.deviceAgeMonths !== null && s.deviceAgeMonths >= w.oldDeviceMonths ? w.oldDevice : 0;
  return Number.isFinite(z) ? z : 0;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const logit = (p: number) => Math.log(p / (1 - p));

/**
 * Churn risk in [0, 1]: logistic of the calibrated profile and journey parts, blended with a data
 * churn score if any. `calibration` defaults to the one in force (the file's, or the outcomes').
 */
export function churnRisk(opts: { profileZ: number; journeyZ: number; latestChurnScore: number | null; calibration?: Calibration }): number {
  let z = calibrateLogit(opts.profileZ + opts.journeyZ, opts.calibration ?? calibrationInForce);
  if (opts.latestChurnScore !== null && Number.isFinite(opts.latestChurnScore)) {
    const score = Math.min(0.99, Math.max(0.01, opts.latestChurnScore));
    z = (1 - CHURN_SCORE_BLEND) * z + CHURN_SCORE_BLEND * logit(score);
  }
  const risk = sigmoid(z);
  return Number.isFinite(risk) ? Math.min(1, Math.max(0, risk)) : sigmoid(PROFILE_WEIGHTS.intercept);
}

/**
 * Expected remaining lifetime value in GBP, undiscounted, over at most `LIFETIME_HORIZON_MONTHS`:
 * monthlyRevenue × Σ_{k=1..H} (1 - h)^k, where h = 1 - (1 - risk)^(1/12) is the monthly churn
 * hazard implied by reading `risk` as a 12-month probability. Risk 0 gives H months of revenue.
 */
export function lifetimeValue(opts: { monthlyRevenue: number; churnRisk: number }): number {
  const revenue = Number.isFinite(opts.monthlyRevenue) ? Math.max(0, opts.monthlyRevenue) : 0;
  const risk = Math.min(0.999, Math.max(0, opts.churnRisk));
  const survive = (1 - risk) ** (1 / 12);
  const h = LIFETIME_HORIZON_MONTHS;
  const months = survive >= 1 ? h : (survive * (1 - survive ** h)) / (1 - survive);
  return revenue * months;
}
