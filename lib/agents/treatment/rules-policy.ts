// The deterministic policy: the expected value of every compliant treatment, the best one when it
// is worth a contact, and an explanation built from the journey analysis. It is also the yardstick
// for the model: whatever the model picks, money is computed here.
import type { JourneyAnalysis, JourneyMetrics, JourneyPattern, ModelUsage, PatternKey, RankedAlternative, TreatmentDecision, TreatmentDefinition } from "../domain";
import { type CatalogEntry, type CustomerFacts, type EligibleTreatment, type ExcludedTreatment, channelName, eligibleTreatments, formatPercent } from "./compliance";
import { fatesOf } from "./fates";

/**
 * A contact must be expected to earn at least this much (GBP, net of its cost) to beat no action:
 * every contact also spends the customer's patience, which the formula does not price.
 */
export const NO_ACTION_MARGIN_GBP = 1;

/** The lead (GBP) over the runner-up at which the margin part of confidence reaches one half. */
export const CONFIDENCE_HALF_LEAD_GBP = 5;

/** Added to a treatment's relative effect when a journey pattern it answers is present, by severity. */
export const SEVERITY_UPLIFT: Record<JourneyPattern["severity"], number> = { low: 0.02, medium: 0.04, high: 0.06 };

/**
 * The patterns each goal answers. A service recovery lands better after complaints or a poor
 * network, a retention or win-back offer when the customer is shopping around or price-minded,
 * an upsell when an upgrade is due, engagement when a loyal customer has gone quiet.
 */
export const GOAL_PATTERNS: Record<string, readonly PatternKey[]> = {
  service_recovery: ["repeated_complaints", "poor_network", "bill_shock", "negative_sentiment"],
  retention: ["port_out_risk", "price_sensitive", "declining_usage"],
  winback: ["port_out_risk", "price_sensitive"],
  upsell: ["upsell_candidate", "device_upgrade_due"],
  engagement: ["loyal_quiet", "declining_usage"],
};

const SEVERITY_RANK: Record<JourneyPattern["severity"], number> = { high: 0, medium: 1, low: 2 };

/** Every term of one treatment's expected value, so explanations can show the arithmetic. */
export type ValueBreakdown = {
  churnRisk: number;
  baseEffect: number;
  /** The largest uplift among `drivers`, 0 without drivers. */
  uplift: number;
  /** Patterns present that this treatment answers (its goal's, or those its eligibility requires), most severe first. */
  drivers: JourneyPattern[];
  /** min(1, baseEffect + uplift). */
  effect: number;
  lifetimeValue: number;
  /**
   * Present when `effect` comes from outcomes: how many, the effect the catalog would have used
   * (its base plus uplift), and the pattern whose own learned effect replaced both, if any.
   */
  learned?: { outcomes: number; catalogEffect: number; pattern: JourneyPattern | null };
  /** churnRisk × effect × lifetimeValue, GBP rounded to pence. */
  savedValue: number;
  cost: number;
  /** savedValue − cost, GBP rounded to pence; 0 for no action. */
  value: number;
};

export type ScoredOption = EligibleTreatment & { breakdown: ValueBreakdown };

export function roundMoney(value: number): number {
  return Math.round(value * 100) / 100;
}

/** "£1,240.00", "-£12.50": en-GB pounds, written by hand because Intl is slow on a hot path. */
export function formatMoney(value: number): string {
  const pence = Math.round(Math.abs(roundMoney(value)) * 100);
  if (!Number.isFinite(pence)) return value < 0 ? "-£∞" : "£∞";
  const pounds = Math.floor(pence / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const sign = value < 0 && pence > 0 ? "-" : "";
  return `${sign}£${pounds}.${String(pence % 100).padStart(2, "0")}`;
}

/**
 * Expected change of lifetime value (GBP, net of contact cost) if the treatment is made:
 * churnRisk × min(1, baseEffect + uplift) × lifetimeValue − costPerContact; 0 for no action.
 * baseEffect is the learned effect when outcomes have taught one, else the catalog's; a driver
 * pattern with its own learned effect replaces base and uplift together (its outcomes include it).
 */
export function expectedValueOf(treatment: TreatmentDefinition, analysis: JourneyAnalysis): ValueBreakdown {
  const { churnRisk, lifetimeValue } = analysis.metrics;
  if (treatment.isNoAction) {
    return { churnRisk, baseEffect: 0, uplift: 0, drivers: [], effect: 0, lifetimeValue, savedValue: 0, cost: 0, value: 0 };
  }
  const answers = new Set<PatternKey>([...(GOAL_PATTERNS[treatment.goal] ?? []), ...(treatment.eligibility.requiresPatterns ?? [])]);
  const drivers = analysis.patterns.filter((p) => answers.has(p.key)).sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const catalogUplift = drivers.reduce((max, p) => Math.max(max, SEVERITY_UPLIFT[p.severity]), 0);
  const catalogEffect = Math.min(1, treatment.expectedEffect + catalogUplift);
  const learned = treatment.learned;
  const pattern = learned?.byPattern ? (drivers.find((p) => learned.byPattern?.[p.key] !== undefined) ?? null) : null;
  const patternEffect = pattern ? learned?.byPattern?.[pattern.key] : undefined;
  let baseEffect = treatment.expectedEffect;
  let uplift = catalogUplift;
  let provenance: ValueBreakdown["learned"];
  if (patternEffect) {
    baseEffect = patternEffect.effect;
    uplift = 0;
    provenance = { outcomes: patternEffect.outcomes, catalogEffect, pattern };
  } else if (learned) {
    baseEffect = learned.effect;
    provenance = { outcomes: learned.outcomes, catalogEffect, pattern: null };
  }
  const effect = Math.min(1, Math.max(0, baseEffect + uplift));
  const savedValue = roundMoney(churnRisk * effect * lifetimeValue);
  const breakdown: ValueBreakdown = { churnRisk, baseEffect, uplift, drivers, effect, lifetimeValue, savedValue, cost: treatment.costPerContact, value: roundMoney(savedValue - treatment.costPerContact) };
  if (provenance) breakdown.learned = provenance;
  return breakdown;
}

/** Where a learned effect came from: "learned from 812 outcomes; catalog 12%". */
export function describeLearned(learned: NonNullable<ValueBreakdown["learned"]>): string {
  const who = learned.pattern ? ` with ${learned.pattern.label.toLowerCase()}` : "";
  return `learned from ${learned.outcomes.toLocaleString("en-GB")} outcomes${who}; catalog ${formatPercent(learned.catalogEffect)}`;
}

/** The arithmetic in words: "48% churn risk × 31% effect (25% base + 6% for high repeated complaints) × £1,240.00 … = £176.51 net". */
export function describeValue(b: ValueBreakdown): string {
  const setter = b.drivers[0];
  const effect = b.learned
    ? b.uplift > 0 && setter
      ? `${formatPercent(b.effect)} effect (${formatPercent(b.baseEffect)} base ${describeLearned(b.learned)}, + ${formatPercent(b.uplift)} for ${setter.severity} ${setter.label.toLowerCase()})`
      : `${formatPercent(b.effect)} effect (${describeLearned(b.learned)})`
    : setter && b.uplift > 0
      ? `${formatPercent(b.effect)} effect (${formatPercent(b.baseEffect)} base + ${formatPercent(b.uplift)} for ${setter.severity} ${setter.label.toLowerCase()})`
      : `${formatPercent(b.effect)} effect`;
  return `${formatPercent(b.churnRisk)} churn risk × ${effect} × ${formatMoney(b.lifetimeValue)} lifetime value = ${formatMoney(b.savedValue)} saved, less ${formatMoney(b.cost)} contact cost = ${formatMoney(b.value)} net`;
}

// No action is scored at the bar a contact must clear, so one ordering serves both the choice
// and the ranked alternatives: contacts worth making, then no action, then the rest.
function decisionScore(option: ScoredOption): number {
  return option.treatment.isNoAction ? NO_ACTION_MARGIN_GBP : option.breakdown.value;
}

/** Compliant options in decision order: score descending (a contact wins a tie with no action), then priority, then key. */
export function rankOptions(options: readonly EligibleTreatment[], analysis: JourneyAnalysis): ScoredOption[] {
  const scored = options.map((o) => ({ ...o, breakdown: expectedValueOf(o.treatment, analysis) }));
  return scored.sort(
    (a, b) =>
      decisionScore(b) - decisionScore(a) ||
      Number(a.treatment.isNoAction) - Number(b.treatment.isNoAction) ||
      a.treatment.priority - b.treatment.priority ||
      a.treatment.key.localeCompare(b.treatment.key),
  );
}

const COMPLETENESS_FIELDS = ["revenueTrend", "usageTrend", "poorNetworkShare", "sentiment", "deviceAgeMonths", "latestChurnScore", "daysSinceLastContact"] as const satisfies readonly (keyof JourneyMetrics)[];

/** Share in [0, 1] of the optional journey metrics that the data could fill. */
export function dataCompleteness(metrics: JourneyMetrics): number {
  const known = COMPLETENESS_FIELDS.filter((f) => metrics[f] !== null).length;
  return known / COMPLETENESS_FIELDS.length;
}

/**
 * Confidence in [0, 1]: (0.3 + 0.7 × lead/(lead + half-lead)) × (0.6 + 0.4 × completeness).
 * `leadGbp` is the chosen option's lead over the runner-up (Infinity when there is none).
 */
export function computeConfidence(opts: { leadGbp: number; completeness: number }): number {
  const lead = Math.max(0, opts.leadGbp);
  const marginPart = Number.isFinite(lead) ? lead / (lead + CONFIDENCE_HALF_LEAD_GBP) : 1;
  const completeness = Math.min(1, Math.max(0, opts.completeness));
  return Math.round((0.3 + 0.7 * marginPart) * (0.6 + 0.4 * completeness) * 100) / 100;
}

/** Confidence for `ranked[index]` chosen, against the best option ranked after it. */
export function confidenceFor(ranked: readonly ScoredOption[], index: number, analysis: JourneyAnalysis): number {
  const chosen = ranked[index];
  const next = ranked[index + 1];
  const lead = chosen && next ? decisionScore(chosen) - decisionScore(next) : Number.POSITIVE_INFINITY;
  return computeConfidence({ leadGbp: lead, completeness: dataCompleteness(analysis.metrics) });
}

/** Why an option sits where it does, with its value; used for ranked alternatives. */
export function reasonFor(option: ScoredOption): string {
  if (option.treatment.isNoAction) return `No contact, ${formatMoney(0)}: the outcome when no treatment earns at least ${formatMoney(NO_ACTION_MARGIN_GBP)} net.`;
  const below = option.breakdown.value < NO_ACTION_MARGIN_GBP ? `; below the ${formatMoney(NO_ACTION_MARGIN_GBP)} a contact must earn` : "";
  return `${option.treatment.name} (${channelText(option.treatment)}): ${describeValue(option.breakdown)}${below}.`;
}

function channelText(treatment: TreatmentDefinition): string {
  return treatment.channel ? channelName(treatment.channel) : "no channel";
}

export function toAlternative(option: ScoredOption): RankedAlternative {
  return { treatmentKey: option.treatment.key, expectedValue: option.breakdown.value, reason: reasonFor(option) };
}

export function zeroUsage(): ModelUsage {
  return { calls: 0, promptTokens: 0, completionTokens: 0, retries: 0 };
}

function patternPhrase(p: JourneyPattern): string {
  const first = p.evidence[0];
  return first ? `${p.label.toLowerCase()} (${first})` : p.label.toLowerCase();
}

function patternEvidence(patterns: readonly JourneyPattern[]): string[] {
  return patterns.flatMap((p) => p.evidence.map((e) => `${p.label}: ${e}`));
}

function customerPicture(analysis: JourneyAnalysis): string {
  const { churnRisk, lifetimeValue } = analysis.metrics;
  return `Churn risk ${formatPercent(churnRisk)} on a remaining lifetime value of ${formatMoney(lifetimeValue)}`;
}

function summariseExclusions(excluded: readonly ExcludedTreatment[], exclude: readonly string[]): string {
  const parts = excluded.slice(0, 3).map((e) => `${e.name}: ${e.problems.join("; ")}`);
  if (excluded.length > 3) parts.push(`${excluded.length - 3} more`);
  if (exclude.length > 0) parts.push(`set aside by the caller: ${exclude.join(", ")}`);
  return parts.length > 0 ? ` Not allowed: ${parts.join(" | ")}.` : "";
}

function contactRationale(chosen: ScoredOption, runnerUp: ScoredOption | undefined, analysis: JourneyAnalysis): string {
  const { treatment, breakdown } = chosen;
  const drivers = breakdown.drivers.length > 0 ? `, with ${breakdown.drivers.map(patternPhrase).join(" and ")}` : "";
  const others = analysis.patterns.filter((p) => !breakdown.drivers.includes(p));
  const otherText = others.length > 0 ? ` Other patterns: ${others.map((p) => p.label.toLowerCase()).join(", ")}.` : "";
  const lead = runnerUp ? decisionScore(chosen) - decisionScore(runnerUp) : 0;
  const against = runnerUp ? (runnerUp.treatment.isNoAction ? "the bar for making any contact" : `${runnerUp.treatment.name} (${formatMoney(runnerUp.breakdown.value)})`) : "";
  const comparison = !runnerUp ? " It is the only allowed option." : lead >= 0 ? ` That is ${formatMoney(lead)} ahead of ${against}.` : ` That is ${formatMoney(-lead)} behind ${against}.`;
  return `${customerPicture(analysis)}${drivers}.${otherText} ${treatment.name} (${channelText(treatment)}) is worth most: ${describeValue(breakdown)}.${comparison}`;
}

function noActionRationale(ranked: readonly ScoredOption[], analysis: JourneyAnalysis, excluded: readonly ExcludedTreatment[], exclude: readonly string[]): string {
  const bestContact = ranked.find((o) => !o.treatment.isNoAction);
  const picture = `${customerPicture(analysis)}${analysis.patterns.length > 0 ? `; patterns: ${analysis.patterns.map((p) => p.label.toLowerCase()).join(", ")}` : ""}.`;
  if (!bestContact) return `${picture} No action: no contact treatment is allowed for this customer.${summariseExclusions(excluded, exclude)}`;
  return `${picture} No action: the best allowed treatment, ${bestContact.treatment.name}, is worth ${formatMoney(bestContact.breakdown.value)} (${describeValue(bestContact.breakdown)}), less than the ${formatMoney(NO_ACTION_MARGIN_GBP)} a contact must earn.`;
}

/**
 * The explanation the rules give for choosing `ranked[index]`, compared with the best other
 * option; shown instead of a model's words that may not be shown.
 */
export function explainChoice(opts: { ranked: readonly ScoredOption[]; index: number; analysis: JourneyAnalysis; excluded: readonly ExcludedTreatment[]; exclude: readonly string[] }): string {
  const { ranked, index, analysis } = opts;
  const chosen = ranked[index];
  if (!chosen) return customerPicture(analysis);
  if (chosen.treatment.isNoAction) return noActionRationale(ranked, analysis, opts.excluded, opts.exclude);
  return contactRationale(chosen, ranked.find((o) => o !== chosen), analysis);
}

export type RulesInput = CustomerFacts & {
  catalog: readonly CatalogEntry[];
  /** Keys that must not be chosen (for instance, out of capacity). */
  exclude?: readonly string[];
  /** Why each key of `exclude` was set aside ("capacity full"), for the decision's fates. */
  excludeReasons?: Readonly<Record<string, string>>;
  notes?: string[];
  usage?: ModelUsage;
};

export type RulesResult = { ok: true; decision: TreatmentDecision; ranked: ScoredOption[] } | { ok: false; reason: string };

/** The compliant options outside `exclude`, ranked, with what was excluded and why. */
export function rankedOptionsFor(input: RulesInput): { ranked: ScoredOption[]; excluded: ExcludedTreatment[] } {
  const { catalog, customer, analysis, permissions, now, contactPolicy, contactHistory } = input;
  const { eligible, excluded } = eligibleTreatments({ catalog, customer, analysis, permissions, now, contactPolicy, contactHistory });
  const skip = new Set(input.exclude ?? []);
  return { ranked: rankOptions(eligible.filter((e) => !skip.has(e.treatment.key)), analysis), excluded };
}

/**
 * Chooses the compliant treatment with the highest expected value when it earns at least
 * NO_ACTION_MARGIN_GBP, else no action; fails only when nothing at all remains (not even no action).
 */
export function decideByRules(input: RulesInput): RulesResult {
  const { ranked, excluded } = rankedOptionsFor(input);
  const chosen = ranked[0];
  if (!chosen) {
    return { ok: false, reason: `No treatment remains for customer ${input.customer.id}: the catalog has no allowed option outside the excluded keys (${(input.exclude ?? []).join(", ") || "none"}).` };
  }
  const decision = rulesDecision({ ranked, analysis: input.analysis, excluded, exclude: input.exclude ?? [], notes: input.notes ?? [], usage: input.usage ?? zeroUsage() });
  decision.fates = fatesOf({ catalog: input.catalog, decision, ranked, excluded, exclude: input.exclude ?? [], excludeReasons: input.excludeReasons });
  return { ok: true, decision, ranked };
}

function rulesDecision(opts: {
  ranked: readonly ScoredOption[];
  analysis: JourneyAnalysis;
  excluded: readonly ExcludedTreatment[];
  exclude: readonly string[];
  notes: string[];
  usage: ModelUsage;
}): TreatmentDecision {
  const { ranked, analysis } = opts;
  const chosen = ranked[0]!;
  const rest = ranked.slice(1);
  const isNoAction = chosen.treatment.isNoAction;
  const metricsEvidence = [`churn risk ${formatPercent(analysis.metrics.churnRisk)}`, `remaining lifetime value ${formatMoney(analysis.metrics.lifetimeValue)}`];
  const learned = chosen.breakdown.learned;
  const effectEvidence = learned ? [`effect ${formatPercent(chosen.breakdown.effect)}, ${describeLearned(learned)}`] : [];
  const evidence = isNoAction ? [...metricsEvidence, ...patternEvidence(analysis.patterns)] : [...metricsEvidence, ...effectEvidence, ...patternEvidence(chosen.breakdown.drivers)];
  return {
    treatmentKey: chosen.treatment.key,
    isNoAction,
    policy: "rules",
    rationale: isNoAction ? noActionRationale(ranked, analysis, opts.excluded, opts.exclude) : contactRationale(chosen, rest[0], analysis),
    evidence,
    confidence: confidenceFor(ranked, 0, analysis),
    expectedValue: chosen.breakdown.value,
    alternatives: rest.map(toAlternative),
    compliance: chosen.compliance,
    notes: opts.notes,
    usage: opts.usage,
  };
}
