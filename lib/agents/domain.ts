// Plain data the agents exchange. Dates are ISO-8601 strings so every message stays JSON.
import type { Eligibility } from "./rules/eligibility";

export { channels, eventTypes, patternKeys, valueTiers } from "./vocabulary";
export type { Channel, EventType, PatternKey, ValueTier } from "./vocabulary";
import type { Channel, EventType, PatternKey, ValueTier } from "./vocabulary";

export type PolicyKind = "llm" | "rules";

/** Money is GBP as a number with pence precision. */
export type CustomerProfile = {
  id: string;
  name: string;
  segment: string;
  plan: string;
  contractType: string;
  tenureMonths: number;
  monthlyRevenue: number;
  totalRevenue: number | null;
  valueTier: ValueTier;
  region: string;
  language: string;
  source: "seed" | "import";
  attributes: Record<string, unknown>;
};

export type JourneyEvent = {
  id: string;
  type: EventType;
  occurredAt: string;
  summary: string;
  attributes: Record<string, unknown>;
};

export type ChannelPermission = { channel: Channel; marketing: boolean; serviceUpdates: boolean; billing: boolean };

/** Times are local "HH:MM" in `timeZone`; a window may wrap midnight (22:00–08:00). */
export type ContactPreferences = {
  preferredLanguage: string;
  contactWindowStart: string | null;
  contactWindowEnd: string | null;
  dndStart: string | null;
  dndEnd: string | null;
  timeZone: string;
};

/** `hasRecord` false means no consent was ever recorded: no marketing contact at all. */
export type Permissions = { hasRecord: boolean; channels: ChannelPermission[]; preferences: ContactPreferences | null };

/**
 * A decision of ours about this customer, to avoid contacting too often. `channel` is the channel
 * it was sent on when the source knows it; else the treatment's channel in the catalog is meant.
 */
export type PriorContact = {
  treatmentKey: string;
  status: string;
  decidedAt: string;
  channel?: Channel | null;
  /** The customer's answer once an outcome was recorded for this decision, and when (ISO). */
  response?: "accepted" | "declined" | "ignored";
  respondedAt?: string;
};

export type CustomerData = {
  profile: CustomerProfile;
  events: JourneyEvent[];
  permissions: Permissions;
  priorContacts: PriorContact[];
};

export type JourneyMonth = { month: string; eventCount: number; byType: Partial<Record<EventType, number>> };

export type Journey = {
  customerId: string;
  /** Time order, duplicates removed. */
  events: JourneyEvent[];
  months: JourneyMonth[];
  firstEventAt: string | null;
  lastEventAt: string | null;
  duplicatesRemoved: number;
};

export type JourneyMetrics = {
  tenureMonths: number;
  monthlyRevenue: number;
  /** Change of monthly charges, last 3 months against the 3 before, as a fraction (-0.2 = down 20%). */
  revenueTrend: number | null;
  /** Change of data usage, last 3 months against the 3 before, as a fraction. */
  usageTrend: number | null;
  complaintCount: number;
  complaintsLast90Days: number;
  daysSinceLastComplaint: number | null;
  incidentCount: number;
  incidentsLast90Days: number;
  daysSinceLastIncident: number | null;
  /** Share of network snapshots rated poor, in [0, 1]. */
  poorNetworkShare: number | null;
  latePayments: number;
  missedPayments: number;
  daysSinceLastContact: number | null;
  campaignContacts: number;
  campaignResponses: number;
  offersAccepted: number;
  offersDeclined: number;
  /** Mean transcript sentiment in [-1, 1]; null without transcripts. */
  sentiment: number | null;
  deviceAgeMonths: number | null;
  hasPortOutEnquiry: boolean;
  /** Latest churn model score from the data, in [0, 1]. */
  latestChurnScore: number | null;
  /** Our churn-risk estimate in [0, 1]. */
  churnRisk: number;
  valueTier: ValueTier;
  /** Expected remaining lifetime value in GBP at the current risk. */
  lifetimeValue: number;
};

/** A named pattern with the facts that triggered it (each fact dated where it has a date). */
export type JourneyPattern = { key: PatternKey; label: string; severity: "low" | "medium" | "high"; evidence: string[] };

export type JourneyAnalysis = { customerId: string; asOf: string; metrics: JourneyMetrics; patterns: JourneyPattern[] };

/** Compact, model-ready text; `text.length <= budgetChars`. */
export type JourneySummary = { customerId: string; text: string; budgetChars: number; eventsConsidered: number };

/** Who a treatment may go to; every field present narrows it. Its schema and checks are the eligibility rule's. */
export type { Eligibility };

/**
 * An effect learned from outcomes with enough evidence (lib/agents/evaluation/effects.ts): the
 * deterministic policy uses `effect` instead of the catalog's `expectedEffect`, and a pattern's
 * effect instead of the catalog's effect plus that pattern's uplift.
 */
export type LearnedEffectInUse = {
  /** Relative reduction of churn, in [0, 1]. */
  effect: number;
  /** Treated outcomes it was learned from. */
  outcomes: number;
  byPattern?: Partial<Record<PatternKey, { effect: number; outcomes: number }>>;
};

export type TreatmentDefinition = {
  key: string;
  name: string;
  description: string;
  /** Null for no action. */
  channel: Channel | null;
  /** GBP per contact. */
  costPerContact: number;
  goal: string;
  /** 1 is most important. */
  priority: number;
  /** Relative reduction of churn risk when the treatment lands, in [0, 1]. */
  expectedEffect: number;
  /** Set when outcomes have taught enough to replace `expectedEffect` (see LearnedEffectInUse). */
  learned?: LearnedEffectInUse;
  eligibility: Eligibility;
  resourceKey: string | null;
  unitsPerContact: number;
  isNoAction: boolean;
};

/** How the decision stands against the customer's permissions, checked in code. */
export type Compliance = {
  isCompliant: boolean;
  /** A sentence for people: which permission allows it, or why none was needed. */
  statement: string;
  problems: string[];
  /** The earliest time the contact may happen (contact window, do-not-disturb); null for no action. */
  nextContactAt: string | null;
  /** The language the contact must use. */
  language: string;
};

export type RankedAlternative = { treatmentKey: string; expectedValue: number; reason: string };

/**
 * Why a treatment could not be chosen: catalog and eligibility rules, consent, contact timing, a
 * rule of the contact policy, or set aside by the caller (its capacity was full).
 */
export const exclusionRules = [
  "not_in_catalog",
  "inactive",
  "no_channel",
  "invalid",
  "eligibility",
  "consent",
  "decline_cooldown",
  "goal_paused",
  "approval_cooldown",
  "channel_limit",
  "overall_limit",
  "contact_time",
  "set_aside",
] as const;
export type ExclusionRule = (typeof exclusionRules)[number];

/** One reason a treatment was refused: the rule, a sentence with its numbers and dates, and when it lifts (ISO) if it does. */
export type Exclusion = { rule: ExclusionRule; message: string; until?: string };

/**
 * What became of one catalog treatment in a decision, kept small because every decision stores
 * one per catalog entry: chosen, a ranked alternative with its value (GBP, `rank` from 1), or
 * excluded by `rule` (the first that refused it) with every reason in `reason`.
 */
export type TreatmentFate =
  | { treatmentKey: string; fate: "chosen"; value: number }
  | { treatmentKey: string; fate: "alternative"; rank: number; value: number }
  | { treatmentKey: string; fate: "excluded"; rule: ExclusionRule; reason: string; until?: string; /** GBP its units were worth when set aside for capacity. */ price?: number };

export type ModelUsage = { calls: number; promptTokens: number; completionTokens: number; retries: number };

export type TreatmentDecision = {
  /** The no-action treatment's key when nothing should be done. */
  treatmentKey: string;
  isNoAction: boolean;
  policy: PolicyKind;
  rationale: string;
  evidence: string[];
  confidence: number;
  /** Expected change of lifetime value net of contact cost, GBP. */
  expectedValue: number;
  alternatives: RankedAlternative[];
  compliance: Compliance;
  /** What happened on the way: model problems, retries, a fall back to the rules. */
  notes: string[];
  usage: ModelUsage;
  /** Every catalog treatment and what became of it, in catalog order; absent on decisions made before it was kept. */
  fates?: TreatmentFate[];
  /**
   * Why the rules decided although a model was given: a model fault of that kind ("paused" when
   * the model was not called), or two unusable answers. Absent when the model decided or was not needed.
   */
  modelFallback?: ModelFallback;
};

/** Why the model gave no answer; "malformed" is a reply that is not a chat completion, "paused" a call not made. */
export type ModelFaultKind = "timeout" | "rate_limited" | "server_error" | "network" | "refused" | "malformed" | "paused";

export type ModelFallback = { kind: ModelFaultKind | "unusable_answers"; reason: string };

/** A capacity resource's stored counters: `used` includes `held`; `reservedHighValue` is part of `limit`. */
export type ResourceCounters = {
  key: string;
  name: string;
  limit: number;
  used: number;
  held: number;
  reservedHighValue: number;
  period: "day" | "week" | "month";
  periodStart: string;
};

export type ResourceStatus = ResourceCounters & {
  /** Units anyone may still take: limit - reserve - used, at least 0. */
  availableGeneral: number;
  /** Units a high-value customer may still take: limit - used. */
  availableHighValue: number;
};
