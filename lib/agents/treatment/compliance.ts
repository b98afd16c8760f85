// Whether a treatment may go to a customer, decided in code: catalog, eligibility, marketing
// consent on the treatment's channel, the contact policy (how often and how soon again), contact
// window, do-not-disturb and language. Pure.
import type {
  Channel,
  Compliance,
  ContactPreferences,
  CustomerProfile,
  Eligibility,
  Exclusion,
  JourneyAnalysis,
  Permissions,
  TreatmentDefinition,
} from "../domain";
import type { ContactEvent } from "../rules/contact-history";
import { type ContactPolicy, contactPolicyRefusals } from "../rules/contact-policy";
import {
  type ClockWindow,
  describeWindow,
  formatLocal,
  isValidTimeZone,
  nextAllowedInstant,
  parseClock,
} from "./contact-time";

/**
 * A catalog entry as the agent receives it. `isActive` mirrors the stored flag; absent means active,
 * because callers that already load only active treatments need not repeat it.
 */
export type CatalogEntry = TreatmentDefinition & { isActive?: boolean };

export type CustomerFacts = {
  customer: CustomerProfile;
  analysis: JourneyAnalysis;
  permissions: Permissions;
  /** ISO time the contact is being planned at. */
  now: string;
  /** The managers' contact policy; absent or null checks no frequency, cooldown or pause rule. */
  contactPolicy?: ContactPolicy | null;
  /** The customer's contacts and answers (contact-history.ts); absent reads as none. */
  contactHistory?: readonly ContactEvent[];
};

export type ComplianceInput = CustomerFacts & { treatmentKey: string; catalog: readonly CatalogEntry[] };

export type EligibleTreatment = { treatment: CatalogEntry; compliance: Compliance };
/** `reasons` are `problems` with their rules, in the order checked; the first is the one that decided. */
export type ExcludedTreatment = { treatmentKey: string; name: string; problems: string[]; reasons: Exclusion[] };

const CHANNEL_NAMES: Record<Channel, string> = { email: "email", sms: "SMS", call: "call", push: "push", mail: "mail" };

/** How a channel is timed: calls and SMS interrupt, so they keep both windows; a letter has no send time. */
type TimingRule = "window_and_dnd" | "dnd_only" | "none";
const TIMING: Record<Channel, TimingRule> = { call: "window_and_dnd", sms: "window_and_dnd", email: "dnd_only", push: "dnd_only", mail: "none" };

export function channelName(channel: Channel): string {
  return CHANNEL_NAMES[channel];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Percent with at most one decimal, so a boundary case never reads as "50% is below 50%". */
export function formatPercent(fraction: number): string {
  const percent = Math.round(fraction * 1000) / 10;
  return `${percent}%`;
}

const languageNames = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });

/** "Welsh (cy)"; the bare code when Intl does not know it. */
const languageDescriptions = new Map<string, string>();

export function describeLanguage(code: string): string {
  const cached = languageDescriptions.get(code);
  if (cached !== undefined) return cached;
  let description = code;
  try {
    const name = languageNames.of(code);
    if (name && name !== code) description = `${name} (${code})`;
  } catch {
    // An unknown or malformed code is shown as it is.
  }
  // Codes come from customer data: keep the memo bounded whatever they hold.
  if (languageDescriptions.size < 1000) languageDescriptions.set(code, description);
  return description;
}

/** The language every contact must use: the recorded preference, else the profile's language. */
export function contactLanguage(customer: CustomerProfile, permissions: Permissions): string {
  const preferred = permissions.preferences?.preferredLanguage.trim();
  if (preferred) return preferred;
  return customer.language.trim() || "en";
}

/** Every eligibility rule of `eligibility` the customer fails, as sentences; empty when eligible. */
export function eligibilityProblems(eligibility: Eligibility, customer: CustomerProfile, analysis: JourneyAnalysis): string[] {
  const { metrics } = analysis;
  const problems: string[] = [];
  if (eligibility.valueTiers && !eligibility.valueTiers.includes(metrics.valueTier)) {
    problems.push(`value tier ${metrics.valueTier} is not one of ${eligibility.valueTiers.join(", ")}`);
  }
  if (eligibility.segments && !eligibility.segments.includes(customer.segment)) {
    problems.push(`segment '${customer.segment}' is not one of ${eligibility.segments.join(", ")}`);
  }
  if (eligibility.minTenureMonths !== undefined && metrics.tenureMonths < eligibility.minTenureMonths) {
    problems.push(`tenure of ${metrics.tenureMonths} months is below the minimum of ${eligibility.minTenureMonths}`);
  }
  if (eligibility.maxTenureMonths !== undefined && metrics.tenureMonths > eligibility.maxTenureMonths) {
    problems.push(`tenure of ${metrics.tenureMonths} months is above the maximum of ${eligibility.maxTenureMonths}`);
  }
  if (eligibility.minChurnRisk !== undefined && metrics.churnRisk < eligibility.minChurnRisk) {
    problems.push(`churn risk ${formatPercent(metrics.churnRisk)} is below the minimum of ${formatPercent(eligibility.minChurnRisk)}`);
  }
  // The catalog lists the situations a treatment answers; any one of them makes it relevant.
  if (eligibility.requiresPatterns && eligibility.requiresPatterns.length > 0) {
    const present = new Set(analysis.patterns.map((p) => p.key));
    if (!eligibility.requiresPatterns.some((key) => present.has(key))) {
      problems.push(`none of the required patterns (${eligibility.requiresPatterns.join(", ")}) is present`);
    }
  }
  return problems;
}

/** Every contact policy rule a contact with `treatment` now would break, each prefixed so a reader knows its source. */
export function contactPolicyExclusions(treatment: TreatmentDefinition, facts: Pick<CustomerFacts, "contactPolicy" | "contactHistory" | "now">): Exclusion[] {
  if (!facts.contactPolicy) return [];
  const refusals = contactPolicyRefusals({ policy: facts.contactPolicy, history: facts.contactHistory ?? [], treatment, now: facts.now });
  return refusals.map((r) => ({ rule: r.rule, message: `contact policy: ${r.message}`, until: r.until }));
}

function permissionProblems(channel: Channel, permissions: Permissions): string[] {
  if (!permissions.hasRecord) return ["no contact permission record: no marketing contact on any channel"];
  const entry = permissions.channels.find((c) => c.channel === channel);
  if (!entry) return [`no consent recorded for ${channelName(channel)} marketing`];
  if (!entry.marketing) return [`customer opted out of ${channelName(channel)} marketing`];
  return [];
}

type ClockSetting = { window: ClockWindow | null; problems: string[] };

// An unset or half-set pair means no window; start equal to end describes no interval, so it is
// read the same way rather than as "all day" or "never".
function readWindow(label: string, start: string | null, end: string | null): ClockSetting {
  if (start === null || end === null) return { window: null, problems: [] };
  const s = parseClock(start);
  const e = parseClock(end);
  const problems: string[] = [];
  if (s === null) problems.push(`${label} start '${start}' is not a valid HH:MM time`);
  if (e === null) problems.push(`${label} end '${end}' is not a valid HH:MM time`);
  if (s === null || e === null || s === e) return { window: null, problems };
  return { window: { start: s, end: e }, problems };
}

type Timing = { problems: string[]; phrases: string[]; nextContactAt: string | null };

function contactTiming(channel: Channel, preferences: ContactPreferences | null, now: string): Timing {
  const rule = TIMING[channel];
  const nowMs = Date.parse(now);
  if (rule === "none") return { problems: [], phrases: ["a letter has no contact time"], nextContactAt: now };
  if (!preferences) {
    return { problems: [], phrases: ["no contact window or do-not-disturb recorded", `first allowed contact ${formatLocal(nowMs, "UTC")} UTC`], nextContactAt: now };
  }
  const { timeZone } = preferences;
  if (!isValidTimeZone(timeZone)) return { problems: [`time zone '${timeZone}' is not a known time zone`], phrases: [], nextContactAt: null };
  const dnd = readWindow("do-not-disturb", preferences.dndStart, preferences.dndEnd);
  const contact = rule === "window_and_dnd" ? readWindow("contact window", preferences.contactWindowStart, preferences.contactWindowEnd) : { window: null, problems: [] };
  const problems = [...contact.problems, ...dnd.problems];
  if (problems.length > 0) return { problems, phrases: [], nextContactAt: null };

  const phrases: string[] = [];
  if (rule === "window_and_dnd") phrases.push(contact.window ? `inside contact window ${describeWindow(contact.window)}` : "no contact window recorded");
  phrases.push(dnd.window ? `outside do-not-disturb ${describeWindow(dnd.window)}` : "no do-not-disturb window recorded");

  const next = nextAllowedInstant({ nowMs, timeZone, window: contact.window, dnd: dnd.window });
  if (next === null) {
    const problem =
      contact.window && dnd.window
        ? `no time of day is inside the contact window ${describeWindow(contact.window)} and outside do-not-disturb ${describeWindow(dnd.window)}`
        : `no allowed contact time in ${timeZone} within the next two days`;
    return { problems: [problem], phrases: [], nextContactAt: null };
  }
  phrases.push(`first allowed contact ${formatLocal(next, timeZone)} ${timeZone}`);
  return { problems: [], phrases, nextContactAt: new Date(next).toISOString() };
}

function notCompliant(problems: string[], language: string): Compliance {
  return { isCompliant: false, statement: `Not allowed: ${problems.join("; ")}.`, problems, nextContactAt: null, language };
}

type Checked = { compliance: Compliance; reasons: Exclusion[] };

function refused(reasons: Exclusion[], language: string): Checked {
  return { compliance: notCompliant(reasons.map((r) => r.message), language), reasons };
}

/**
 * Checks one catalog entry for one customer at `now`. Invariants: `isCompliant` iff `problems` is
 * empty; `nextContactAt` is null unless compliant with a channel; `statement` only claims what holds.
 */
export function checkCompliance(input: ComplianceInput): Compliance {
  const { treatmentKey, catalog, customer, permissions } = input;
  const language = contactLanguage(customer, permissions);
  const treatment = catalog.find((t) => t.key === treatmentKey);
  if (!treatment) return notCompliant([`treatment '${treatmentKey}' is not in the catalog`], language);
  return checkEntry({ ...input, treatment, language }).compliance;
}

/** `checkCompliance` with each problem's rule, for callers that must name the rule that refused. */
export function checkComplianceWithReasons(input: ComplianceInput): Checked {
  const language = contactLanguage(input.customer, input.permissions);
  const treatment = input.catalog.find((t) => t.key === input.treatmentKey);
  if (!treatment) return refused([{ rule: "not_in_catalog", message: `treatment '${input.treatmentKey}' is not in the catalog` }], language);
  return checkEntry({ ...input, treatment, language });
}

function checkEntry(opts: CustomerFacts & { treatment: CatalogEntry; language: string }): Checked {
  const { treatment, customer, analysis, permissions, now, language } = opts;
  const reasons: Exclusion[] = [];
  // Facts about someone else must never decide this customer's contact.
  if (analysis.customerId !== customer.id) reasons.push({ rule: "invalid", message: `the journey analysis is for customer ${analysis.customerId}, not ${customer.id}` });
  if (treatment.isActive === false) reasons.push({ rule: "inactive", message: `treatment '${treatment.key}' is not active` });
  if (Number.isNaN(Date.parse(now))) reasons.push({ rule: "invalid", message: `'${now}' is not a valid time` });

  if (treatment.isNoAction) {
    if (reasons.length > 0) return refused(reasons, language);
    return { compliance: { isCompliant: true, statement: "No action: nobody is contacted, so no permission is needed.", problems: [], nextContactAt: null, language }, reasons };
  }
  // A contact without a channel cannot be checked for consent or timing, so it is never allowed.
  if (treatment.channel === null) {
    reasons.push({ rule: "no_channel", message: `treatment '${treatment.key}' has no contact channel` });
    return refused(reasons, language);
  }

  for (const message of eligibilityProblems(treatment.eligibility, customer, analysis)) reasons.push({ rule: "eligibility", message });
  const consent = permissionProblems(treatment.channel, permissions);
  for (const message of consent) reasons.push({ rule: "consent", message });
  reasons.push(...contactPolicyExclusions(treatment, opts));
  // Timing only means something once contact on the channel is allowed at all.
  const timing = reasons.length === 0 ? contactTiming(treatment.channel, permissions.preferences, now) : null;
  if (timing) for (const message of timing.problems) reasons.push({ rule: "contact_time", message });
  if (reasons.length > 0 || !timing) return refused(reasons, language);

  const statement = [`${capitalise(channelName(treatment.channel))} marketing allowed`, ...timing.phrases, `in ${describeLanguage(language)}`].join("; ");
  return { compliance: { isCompliant: true, statement: `${statement}.`, problems: [], nextContactAt: timing.nextContactAt, language }, reasons };
}

/**
 * Splits the catalog for one customer: compliant entries (catalog order) and the rest with every
 * reason each was excluded. The no-action entry is compliant unless inactive.
 */
export function eligibleTreatments(input: CustomerFacts & { catalog: readonly CatalogEntry[] }): { eligible: EligibleTreatment[]; excluded: ExcludedTreatment[] } {
  const { catalog, ...facts } = input;
  const language = contactLanguage(facts.customer, facts.permissions);
  const eligible: EligibleTreatment[] = [];
  const excluded: ExcludedTreatment[] = [];
  for (const treatment of catalog) {
    const { compliance, reasons } = checkEntry({ ...facts, treatment, language });
    if (compliance.isCompliant) eligible.push({ treatment, compliance });
    else excluded.push({ treatmentKey: treatment.key, name: treatment.name, problems: compliance.problems, reasons });
  }
  return { eligible, excluded };
}

/** The catalog's active no-action entry (lowest priority number, then key); null when there is none. */
export function findNoAction(catalog: readonly CatalogEntry[]): CatalogEntry | null {
  const candidates = catalog.filter((t) => t.isNoAction && t.isActive !== false);
  candidates.sort((a, b) => a.priority - b.priority || a.key.localeCompare(b.key));
  return candidates[0] ?? null;
}
