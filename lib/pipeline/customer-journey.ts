// One customer's journey as the pipeline sees it: data from PostgreSQL, then the journey agent's
// build, analyze and summarize steps. The customer screen and review overrides read it from here,
// so what a person sees is what the agents decided from.
import type pg from "pg";
import type { CustomerData, ExclusionRule, Journey, JourneyAnalysis, JourneySummary, TreatmentDefinition } from "../agents/domain";
import { createJourneyAgent } from "../agents/journey/journey-agent";
import { contactHistoryOf } from "../agents/rules/contact-history";
import type { ContactPolicy } from "../agents/rules/contact-policy";
import { type CustomerFacts, channelName } from "../agents/treatment/compliance";
import { rankedOptionsFor } from "../agents/treatment/rules-policy";
import { loadCustomersFromPg } from "./customer-source";

export type CustomerJourney = {
  data: CustomerData;
  journey: Journey;
  analysis: JourneyAnalysis;
  summary: JourneySummary;
};

const journeyAgent = createJourneyAgent();

/** The customer's journey, analysis (as of `asOf`, ISO) and model-ready summary; null when no customer has this id. */
export async function loadCustomerJourney(pool: pg.Pool, customerId: string, opts: { asOf?: string } = {}): Promise<CustomerJourney | null> {
  const data = (await loadCustomersFromPg(pool, [customerId])).get(customerId);
  if (!data) return null;
  const asOf = opts.asOf ?? new Date().toISOString();
  const built = await journeyAgent.process({ type: "build_journey", data });
  if (!built.ok || built.type !== "build_journey") throw new Error(`Journey of ${customerId} could not be built: ${built.ok ? built.type : built.error.reason}`);
  const analyzed = await journeyAgent.process({ type: "analyze_journey", journey: built.data, profile: data.profile, asOf });
  if (!analyzed.ok || analyzed.type !== "analyze_journey") throw new Error(`Journey of ${customerId} could not be analysed: ${analyzed.ok ? analyzed.type : analyzed.error.reason}`);
  const summarized = await journeyAgent.process({ type: "summarize_journey", journey: built.data, analysis: analyzed.data, profile: data.profile });
  if (!summarized.ok || summarized.type !== "summarize_journey") throw new Error(`Journey of ${customerId} could not be summarised: ${summarized.ok ? summarized.type : summarized.error.reason}`);
  return { data, journey: built.data, analysis: analyzed.data, summary: summarized.data };
}

/**
 * What the compliance check needs about a customer, planned at `now` (ISO). With `contactPolicy`
 * its rules are checked too, against the contact history read with `catalog`.
 */
export function customerFactsOf(journey: CustomerJourney, now: string, opts: { contactPolicy?: ContactPolicy; catalog?: readonly TreatmentDefinition[] } = {}): CustomerFacts {
  const facts: CustomerFacts = { customer: journey.data.profile, analysis: journey.analysis, permissions: journey.data.permissions, now };
  if (!opts.contactPolicy) return facts;
  return { ...facts, contactPolicy: opts.contactPolicy, contactHistory: contactHistoryOf(journey.data, opts.catalog ?? []) };
}

export type OverrideOption = {
  treatmentKey: string;
  name: string;
  channel: string | null;
  /** GBP, net of contact cost, as the deterministic policy values it for this customer. */
  expectedValue: number;
  resourceKey: string | null;
  /** The permission sentence that allows it. */
  statement: string;
};

/**
 * Treatments a reviewer may switch a recommendation to: eligible and permitted for the customer
 * now (checked by the treatment agent's compliance code), never no action (rejecting says that)
 * and never `currentKey`; best expected value first.
 */
/** A treatment the reviewer may not switch to, with the rule that refuses it and every reason. */
export type OverrideExclusion = { treatmentKey: string; name: string; channel: string | null; rule: ExclusionRule; reason: string };

/** The contact treatments other than `currentKey` that the customer may not get now, in catalog order, each with why. */
export function overrideExclusions(opts: { facts: CustomerFacts; catalog: readonly TreatmentDefinition[]; currentKey: string | null }): OverrideExclusion[] {
  const { excluded } = rankedOptionsFor({ ...opts.facts, catalog: opts.catalog });
  const byKey = new Map(opts.catalog.map((t) => [t.key, t]));
  const out: OverrideExclusion[] = [];
  for (const e of excluded) {
    const treatment = byKey.get(e.treatmentKey);
    const first = e.reasons[0];
    if (!treatment || treatment.isNoAction || e.treatmentKey === opts.currentKey || !first) continue;
    out.push({ treatmentKey: e.treatmentKey, name: e.name, channel: treatment.channel ? channelName(treatment.channel) : null, rule: first.rule, reason: e.problems.join("; ") });
  }
  return out;
}

export function overrideOptions(opts: { facts: CustomerFacts; catalog: readonly TreatmentDefinition[]; currentKey: string | null }): OverrideOption[] {
  const { ranked } = rankedOptionsFor({ ...opts.facts, catalog: opts.catalog, exclude: opts.currentKey ? [opts.currentKey] : [] });
  return ranked
    .filter((o) => !o.treatment.isNoAction)
    .map((o) => ({
      treatmentKey: o.treatment.key,
      name: o.treatment.name,
      channel: o.treatment.channel ? channelName(o.treatment.channel) : null,
      expectedValue: o.breakdown.value,
      resourceKey: o.treatment.resourceKey,
      statement: o.compliance.statement,
    }));
}
