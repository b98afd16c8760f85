// The outcome simulator's hidden ground truth: what treatments really do in the demo and the
// backtest. It differs from the catalog on purpose (some effects overstated, some understated, some
// only for one pattern), so that evaluation has something to find and learned effects something to
// learn. README "Outcome simulator" documents these numbers; keep the two in step.
import { fmix32, mulberry32 } from "../agents/random";
import type { Channel } from "../agents/vocabulary";

/** The simulated churn is this share of the churn risk the desk scores (the score over-predicts: 0.265 observed / 0.367 predicted on the Telco file). */
export const RISK_CALIBRATION = 0.72;
/** Of the customers who leave within 90 days, this share leave within 30. */
export const SHARE_LEAVING_BY_30D = 0.45;
/** A decision for a customer without a risk score is drawn at this 90-day churn. */
export const DEFAULT_CHURN_90D = 0.18;

/** Chance that a contact on the channel reaches the customer (a call may go unanswered). */
export const CONTACT_RATE: Record<Channel, number> = { call: 0.65, sms: 0.97, email: 0.92, push: 0.8, mail: 0.9 };

/**
 * True relative reduction of 90-day churn for a reached customer, per treatment of the default
 * catalog, with the patterns for which it differs. The catalog's figure is in the comment.
 */
export const TRUE_EFFECTS: Record<string, { base: number; byPattern?: Record<string, number> }> = {
  marketing_call_back: { base: 0.18, byPattern: { port_out_risk: 0.3, price_sensitive: 0.26 } }, // catalog 0.35
  service_call_back: { base: 0.12, byPattern: { poor_network: 0.32, repeated_complaints: 0.3 } }, // catalog 0.25
  retention_sms: { base: 0.11, byPattern: { late_payments: 0.02 } }, // catalog 0.08
  early_upgrade: { base: 0.26, byPattern: { device_upgrade_due: 0.36 } }, // catalog 0.20
  retention_email: { base: 0.01 }, // catalog 0.05
  family_plan: { base: 0.15, byPattern: { upsell_candidate: 0.2 } }, // catalog 0.12
  personalized_offer: { base: 0.22, byPattern: { bill_shock: 0.32, price_sensitive: 0.3 } }, // catalog 0.15
  service_sms: { base: 0.06, byPattern: { poor_network: 0.1 } }, // catalog 0.04
  data_boost: { base: 0.03, byPattern: { declining_usage: 0.1 } }, // catalog 0.06
  loyalty_points: { base: 0.08, byPattern: { loyal_quiet: 0.12 } }, // catalog 0.05
  loyalty_app: { base: 0 }, // catalog 0.02
};

/** A treatment outside the default catalog works at this share of what its catalog entry claims. */
export const UNKNOWN_TREATMENT_SHARE = 0.6;

/** The true effect of `treatmentKey` for a customer with `patterns` (the largest pattern-specific one applies). Unit: share of churn removed, in [0, 1]. */
export function trueEffect(opts: { treatmentKey: string; catalogEffect: number; patterns: readonly string[] }): number {
  const truth = TRUE_EFFECTS[opts.treatmentKey];
  if (!truth) return opts.catalogEffect * UNKNOWN_TREATMENT_SHARE;
  const specific = opts.patterns.flatMap((p) => (truth.byPattern?.[p] !== undefined ? [truth.byPattern[p]!] : []));
  return specific.length > 0 ? Math.max(...specific) : truth.base;
}

/** 90-day churn of a customer left alone, from the desk's risk score. */
export function baselineChurn90(churnRisk: number | null): number {
  if (churnRisk === null) return DEFAULT_CHURN_90D;
  return Math.min(0.9, Math.max(0.01, churnRisk * RISK_CALIBRATION));
}

/** A decision as the simulator sees it. Held out: `isHeldOut` with the treatment it would have had. */
export type SimulatedDecision = {
  treatmentKey: string;
  isHeldOut: boolean;
  channel: Channel | null;
  goal: string;
  catalogEffect: number;
  churnRisk: number | null;
  patterns: readonly string[];
  monthlyRevenue: number;
};

/** Whose fate and when: the customer, and the whole days from the simulation's epoch to the decision. */
export type FateKey = { customerId: string; day: number };

/** Everything that will happen after a decision; the caller reveals what `now` allows. */
export type Fate = {
  contactMade: boolean;
  response: "accepted" | "declined" | "ignored" | null;
  stayed30d: boolean;
  stayed90d: boolean;
  revenueChangeGbp: number;
  /** The chance of staying 90 days this decision had, for the backtest's true lift. */
  stayProbability: number;
};

/** A uniform stream fixed by the seed and the parts of `key`, so a redraw later reveals the same fate. */
function streamFor(seed: number, key: readonly (string | number)[]): () => number {
  let h = fmix32(seed >>> 0);
  const text = key.join("\u0000");
  for (let i = 0; i < text.length; i++) h = fmix32(h ^ text.charCodeAt(i));
  return mulberry32(h);
}

/** The expected stay probability at 90 days (for the true lift: held out and treated alike). */
export function stayProbability(d: SimulatedDecision): number {
  const churn = baselineChurn90(d.churnRisk);
  if (d.isHeldOut || d.channel === null) return 1 - churn;
  const effect = trueEffect({ treatmentKey: d.treatmentKey, catalogEffect: d.catalogEffect, patterns: d.patterns });
  return 1 - churn * (1 - CONTACT_RATE[d.channel] * effect);
}

/**
 * Draws a decision's fate from the ground truth, fixed by the seed, the customer, the day and the
 * treatment, so the same decision made in two worlds (or two runs) meets the same fate. Whether the
 * customer leaves is drawn without the treatment: a customer decided differently in two worlds
 * faces the same chance of leaving, and a treatment that works turns some of their leavers into
 * stayers instead of drawing anew who leaves (common random numbers).
 */
export function drawFate(seed: number, d: SimulatedDecision & FateKey): Fate {
  const contact = streamFor(seed, [d.customerId, d.day, d.treatmentKey]);
  const [uContact, uResponse, uRevenue] = [contact(), contact(), contact()];
  const stay = streamFor(seed, [d.customerId, d.day]);
  const [uStay, uEarly] = [stay(), stay()];
  const churn = baselineChurn90(d.churnRisk);
  const isContactable = !d.isHeldOut && d.channel !== null;
  const contactMade = isContactable && uContact < CONTACT_RATE[d.channel!];
  const effect = contactMade ? trueEffect({ treatmentKey: d.treatmentKey, catalogEffect: d.catalogEffect, patterns: d.patterns }) : 0;
  // Customers the treatment helps mostly say yes; the rest split between no and silence.
  const acceptRate = Math.min(0.7, 0.1 + 1.5 * effect);
  const response = !contactMade ? null : uResponse < acceptRate ? "accepted" : uResponse < acceptRate + 0.25 ? "declined" : "ignored";
  const stayed90d = uStay >= churn * (1 - effect);
  const stayed30d = stayed90d || uEarly >= SHARE_LEAVING_BY_30D;
  const noise = Math.round((uRevenue - 0.5) * 300) / 100;
  const revenueChangeGbp = !stayed90d
    ? -d.monthlyRevenue
    : response === "accepted" && (d.goal === "upsell" || d.goal === "engagement")
      ? Math.round(d.monthlyRevenue * 8) / 100 + noise
      : response === "accepted" && d.goal === "retention"
        ? -Math.round(d.monthlyRevenue * 10) / 100 + noise
        : noise;
  return { contactMade, response, stayed30d, stayed90d, revenueChangeGbp: Math.round(revenueChangeGbp * 100) / 100, stayProbability: stayProbability(d) };
}
