// Pure generators for the demo base: a customer's profile, contact permissions and journey are
// functions of (seed, anchor date, customer index) only, so any customer can be regenerated alone
// and the same inputs always give the same rows.
import { EventType } from "../../lib/generated/prisma/enums";
import type { Channel, ValueTier } from "../../lib/generated/prisma/enums";
import { createRng, mixSeed, roundTo } from "./random";
import type { Rng } from "./random";
import { valueTierFor } from "../../lib/agents/rules/value-tier";
import {
  adversarialComplaintNotes,
  campaigns,
  complaintNotes,
  conversations,
  devices,
  generalPages,
  languagesOutsideWales,
  namesByLanguage,
  plans,
  regions,
} from "./vocabulary";
import type { Conversation, ConversationKind, Language, Plan, PlanKey, Weighted } from "./vocabulary";

export { createRng, mixSeed, mulberry32 } from "./random";
export type { Rng } from "./random";
export { adversarialComplaintNotes } from "./vocabulary";

/** The stories a marketer recognises; each seeded customer follows one (customer.attributes.story). */
export const customerStories = [
  "loyal_quiet",
  "declining_usage",
  "bill_shock",
  "repeated_complaints",
  "poor_network",
  "late_payer",
  "port_out_enquiry",
  "device_upgrade_ready",
  "price_sensitive",
  "upsell_candidate",
] as const;

export type CustomerStory = (typeof customerStories)[number];

/** Relative share of each story in the seeded base (sums to 100). */
export const storyWeights: Record<CustomerStory, number> = {
  loyal_quiet: 34,
  declining_usage: 9,
  bill_shock: 7,
  repeated_complaints: 7,
  poor_network: 8,
  late_payer: 7,
  port_out_enquiry: 5,
  device_upgrade_ready: 8,
  price_sensitive: 8,
  upsell_candidate: 7,
};

export const customerSegments = ["consumer", "small_business", "youth", "senior", "family"] as const;
export type CustomerSegment = (typeof customerSegments)[number];

export const contractTypes = ["month_to_month", "one_year", "two_year"] as const;
export type ContractType = (typeof contractTypes)[number];

export const eventTypes = Object.values(EventType);

/** Shortest and longest journey history a seeded customer has, in months before the anchor. */
export const HISTORY_MONTHS = { min: 6, max: 18 } as const;

/** Share of customers with no contact permission rows and no preference at all. */
export const NO_CONTACT_RECORD_SHARE = 0.03;

/** Share of customers with one complaint note that tries to instruct an AI. */
export const ADVERSARIAL_NOTE_SHARE = 0.01;

export type SeedContext = { seed: number; anchor: Date };

export type CustomerAttributes = {
  story: CustomerStory;
  historyMonths: number;
  ageBand: string;
  lines: number;
  hasApp: boolean;
  billingDay: number;
};

export type SeedCustomer = {
  index: number;
  id: string;
  name: string;
  segment: CustomerSegment;
  plan: string;
  contractType: ContractType;
  tenureMonths: number;
  /** GBP, two decimals. */
  monthlyRevenue: number;
  /** GBP, two decimals: what the customer has paid over their whole tenure. */
  totalRevenue: number;
  valueTier: ValueTier;
  region: string;
  language: Language;
  story: CustomerStory;
  historyMonths: number;
  planKey: PlanKey;
  attributes: CustomerAttributes;
};

export type SeedEvent = {
  type: EventType;
  occurredAt: Date;
  summary: string;
  attributes: Record<string, unknown>;
};

export type SeedPermission = {
  channel: Channel;
  marketing: boolean;
  serviceUpdates: boolean;
  billing: boolean;
  updatedAt: Date;
};

export type SeedPreference = {
  preferredLanguage: string;
  contactWindowStart: string | null;
  contactWindowEnd: string | null;
  dndStart: string | null;
  dndEnd: string | null;
  timeZone: string;
  updatedAt: Date;
};

export type SeedContact = { permissions: SeedPermission[]; preference: SeedPreference | null };

export type SeedBundle = { customer: SeedCustomer; contact: SeedContact; events: SeedEvent[] };

// One independent random stream per facet of a customer.
const FACET = { profile: 1, contact: 2, events: 3 } as const;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const entries = <K extends string>(weights: Record<K, number>): Weighted<K> =>
  Object.entries(weights) as unknown as Weighted<K>;

const storyEntries = entries(storyWeights);

/** `CUS-0000001` for index 0: seven digits cover the five-million-customer ceiling. */
export function customerIdFor(index: number): string {
  return `CUS-${String(index + 1).padStart(7, "0")}`;
}

type StoryProfile = {
  tenure: readonly [number, number];
  /** Churn probability range at the start and at the end of the history. */
  churnFrom: readonly [number, number];
  churnTo: readonly [number, number];
  /** 1 rises steadily; higher values stay flat and jump near the end. */
  churnCurve: number;
  riskFactors: readonly string[];
};

const storyProfiles: Record<CustomerStory, StoryProfile> = {
  loyal_quiet: { tenure: [24, 120], churnFrom: [0.03, 0.15], churnTo: [0.03, 0.15], churnCurve: 1, riskFactors: ["contract_ending"] },
  declining_usage: { tenure: [12, 96], churnFrom: [0.1, 0.25], churnTo: [0.45, 0.7], churnCurve: 1, riskFactors: ["declining_usage", "competitor_offer"] },
  bill_shock: { tenure: [6, 84], churnFrom: [0.08, 0.2], churnTo: [0.4, 0.7], churnCurve: 4, riskFactors: ["billing_dispute", "price_increase"] },
  repeated_complaints: { tenure: [6, 84], churnFrom: [0.15, 0.3], churnTo: [0.55, 0.85], churnCurve: 1.5, riskFactors: ["service_complaints", "billing_dispute"] },
  poor_network: { tenure: [6, 84], churnFrom: [0.1, 0.25], churnTo: [0.45, 0.75], churnCurve: 2, riskFactors: ["network_issues", "service_complaints"] },
  late_payer: { tenure: [6, 60], churnFrom: [0.2, 0.35], churnTo: [0.35, 0.6], churnCurve: 1, riskFactors: ["payment_issues"] },
  port_out_enquiry: { tenure: [6, 60], churnFrom: [0.15, 0.3], churnTo: [0.75, 0.95], churnCurve: 4, riskFactors: ["competitor_offer", "contract_ending"] },
  device_upgrade_ready: { tenure: [28, 96], churnFrom: [0.1, 0.2], churnTo: [0.25, 0.45], churnCurve: 1, riskFactors: ["device_age", "out_of_contract"] },
  price_sensitive: { tenure: [6, 72], churnFrom: [0.2, 0.35], churnTo: [0.35, 0.6], churnCurve: 1, riskFactors: ["price_increase", "competitor_offer"] },
  upsell_candidate: { tenure: [8, 60], churnFrom: [0.05, 0.15], churnTo: [0.03, 0.15], churnCurve: 1, riskFactors: ["data_cap_reached"] },
};

const segmentWeights: Weighted<CustomerSegment> = [
  ["consumer", 45],
  ["family", 18],
  ["youth", 13],
  ["senior", 12],
  ["small_business", 12],
];

const planWeights: Record<CustomerSegment, Weighted<PlanKey>> = {
  consumer: [["simOnly10", 10], ["simOnly50", 20], ["unlimitedLite", 15], ["unlimitedMax", 10], ["handset30", 25], ["handsetUnlimited", 20]],
  youth: [["youthFlex", 50], ["simOnly10", 20], ["simOnly50", 15], ["handset30", 15]],
  senior: [["seniorTalk", 45], ["simOnly10", 25], ["handset30", 20], ["unlimitedLite", 10]],
  family: [["familyShare", 80], ["handsetUnlimited", 20]],
  small_business: [["businessEssentials", 60], ["businessPro", 40]],
};

// Some stories only make sense on certain plans: an upsell candidate is on a capped plan, an
// upgrade-ready customer still has the handset the contract came with.
const storyPlans: Partial<Record<CustomerStory, Partial<Record<CustomerSegment, Weighted<PlanKey>>>>> = {
  upsell_candidate: {
    consumer: [["simOnly10", 40], ["simOnly50", 30], ["handset30", 30]],
    youth: [["youthFlex", 70], ["simOnly10", 30]],
    senior: [["seniorTalk", 70], ["simOnly10", 30]],
    family: [["familyShare", 1]],
    small_business: [["businessEssentials", 1]],
  },
  device_upgrade_ready: {
    consumer: [["handset30", 50], ["handsetUnlimited", 50]],
    youth: [["handset30", 1]],
    senior: [["handset30", 1]],
    family: [["handsetUnlimited", 1]],
    small_business: [["businessPro", 1]],
  },
  price_sensitive: {
    consumer: [["simOnly10", 40], ["simOnly50", 40], ["unlimitedLite", 20]],
  },
};

function pickLanguage(rng: Rng, region: string): Language {
  if (region === "Wales" && rng.chance(0.3)) return "cy";
  return rng.weighted(languagesOutsideWales);
}

function pickContract(rng: Rng, plan: Plan, story: CustomerStory): ContractType {
  if (story === "device_upgrade_ready") return rng.chance(0.75) ? "month_to_month" : "two_year";
  if (story === "port_out_enquiry" && rng.chance(0.6)) return "month_to_month";
  if (plan.hasHandset) return rng.weighted([["two_year", 85], ["one_year", 5], ["month_to_month", 10]]);
  return rng.weighted([["one_year", 45], ["month_to_month", 40], ["two_year", 15]]);
}

function ageBandFor(rng: Rng, segment: CustomerSegment): string {
  if (segment === "youth") return "18-24";
  if (segment === "senior") return rng.chance(0.7) ? "65-74" : "75+";
  return rng.pick(["25-34", "35-44", "45-54", "55-64"]);
}

/** The profile of customer `index` (0-based); pure in (ctx.seed, index). */
export function generateCustomer(ctx: SeedContext, index: number): SeedCustomer {
  const rng = createRng(mixSeed(ctx.seed, index, FACET.profile));
  const story = rng.weighted(storyEntries);
  const region = rng.weighted(regions);
  const language = pickLanguage(rng, region);
  const names = namesByLanguage[language];
  const name = `${rng.pick(names.first)} ${rng.pick(names.last)}`;
  const segment = rng.weighted(segmentWeights);
  const planKey = rng.weighted(storyPlans[story]?.[segment] ?? planWeights[segment]);
  const plan: Plan = plans[planKey];
  const profile = storyProfiles[story];
  const tenureMax = segment === "youth" ? Math.min(profile.tenure[1], 72) : profile.tenure[1];
  const tenureMonths = rng.int(profile.tenure[0], Math.max(profile.tenure[0], tenureMax));
  const contractType = pickContract(rng, plan, story);
  const lines = plan.isShared ? (segment === "small_business" ? rng.weighted([[1, 30], [2, 25], [3, 15], [5, 15], [8, 10], [12, 5]]) : rng.int(2, 5)) : 1;
  const extraLine = segment === "small_business" ? plan.price * 0.85 : 12;
  const addOns = rng.chance(0.35) ? rng.pick([3, 5, 7.5, 10]) : 0;
  const monthlyRevenue = roundTo(plan.price + (lines - 1) * extraLine + addOns, 2);
  const totalRevenue = roundTo(monthlyRevenue * tenureMonths * rng.float(0.82, 1), 2);
  const historyMonths = Math.min(tenureMonths, rng.int(HISTORY_MONTHS.min, HISTORY_MONTHS.max));
  const hasApp = rng.chance(segment === "senior" ? 0.35 : 0.72);
  const attributes: CustomerAttributes = {
    story,
    historyMonths,
    ageBand: ageBandFor(rng, segment),
    lines,
    hasApp,
    billingDay: rng.int(1, 28),
  };
  return {
    index,
    id: customerIdFor(index),
    name,
    segment,
    plan: plan.name,
    contractType,
    tenureMonths,
    monthlyRevenue,
    totalRevenue,
    valueTier: valueTierFor(monthlyRevenue, tenureMonths),
    region,
    language,
    story,
    historyMonths,
    planKey,
    attributes,
  };
}

const marketingShare: Record<CustomerSegment, Record<Channel, number>> = {
  consumer: { email: 0.82, sms: 0.72, call: 0.33, push: 0.62, mail: 0.4 },
  family: { email: 0.82, sms: 0.72, call: 0.35, push: 0.62, mail: 0.45 },
  youth: { email: 0.7, sms: 0.78, call: 0.15, push: 0.8, mail: 0.2 },
  senior: { email: 0.6, sms: 0.6, call: 0.45, push: 0.4, mail: 0.65 },
  small_business: { email: 0.85, sms: 0.6, call: 0.4, push: 0.45, mail: 0.5 },
};
const serviceShare: Record<Channel, number> = { email: 0.96, sms: 0.93, call: 0.85, push: 0.88, mail: 0.7 };
const billingShare: Record<Channel, number> = { email: 0.95, sms: 0.75, call: 0.6, push: 0.5, mail: 0.55 };

const contactWindows: Weighted<readonly [string, string] | null> = [
  [["09:00", "20:00"], 45],
  [["10:00", "18:00"], 15],
  [["08:00", "21:00"], 10],
  [["17:00", "20:00"], 10],
  [["12:00", "14:00"], 5],
  [null, 15],
];
const dndWindows: Weighted<readonly [string, string]> = [
  [["21:00", "08:00"], 35],
  [["22:00", "08:00"], 30],
  [["22:00", "07:00"], 15],
  [["20:00", "09:00"], 10],
  [["23:00", "09:00"], 10],
];

/** Consent per channel and contact preferences of `customer`; pure in (ctx, customer.index). */
export function generateContact(ctx: SeedContext, customer: SeedCustomer): SeedContact {
  const rng = createRng(mixSeed(ctx.seed, customer.index, FACET.contact));
  if (rng.chance(NO_CONTACT_RECORD_SHARE)) return { permissions: [], preference: null };
  const anchorMs = ctx.anchor.getTime();
  const recordedAt = new Date(Math.floor((anchorMs - rng.int(1, 720) * DAY_MS - rng.int(0, 23) * HOUR_MS) / 1000) * 1000);
  const isOptedOutOfMarketing = rng.chance(0.07);
  // A channel row exists only where the customer can be reached that way: push needs the app.
  const channels: Channel[] = customer.attributes.hasApp ? ["email", "sms", "call", "push", "mail"] : ["email", "sms", "call", "mail"];
  const share = marketingShare[customer.segment];
  const permissions = channels.map((channel) => ({
    channel,
    marketing: !isOptedOutOfMarketing && rng.chance(share[channel]),
    serviceUpdates: rng.chance(serviceShare[channel]),
    billing: rng.chance(billingShare[channel]),
    updatedAt: recordedAt,
  }));
  const window = rng.weighted(contactWindows);
  const hasDnd = rng.chance(customer.segment === "senior" ? 0.8 : 0.6);
  const dnd = hasDnd ? (customer.segment === "senior" ? (["20:00", "09:00"] as const) : rng.weighted(dndWindows)) : null;
  const preferredLanguage = customer.language !== "en" && rng.chance(0.2) ? "en" : customer.language;
  return {
    permissions,
    preference: {
      preferredLanguage,
      contactWindowStart: window?.[0] ?? null,
      contactWindowEnd: window?.[1] ?? null,
      dndStart: dnd?.[0] ?? null,
      dndEnd: dnd?.[1] ?? null,
      timeZone: "Europe/London",
      updatedAt: recordedAt,
    },
  };
}

const gbp = (amount: number) => `£${amount.toFixed(2)}`;
const monthLabel = (ms: number) => new Date(ms).toISOString().slice(0, 7);
const sentimentScore = (rng: Rng, sentiment: "positive" | "neutral" | "negative") =>
  sentiment === "positive" ? rng.float(0.3, 0.9) : sentiment === "neutral" ? rng.float(-0.2, 0.3) : rng.float(-0.95, -0.35);

type Quality = "poor" | "fair" | "good" | "excellent";
const qualityRanges: Record<Quality, { down: [number, number]; up: [number, number]; latency: [number, number]; loss: [number, number] }> = {
  excellent: { down: [80, 300], up: [15, 50], latency: [12, 25], loss: [0, 0.2] },
  good: { down: [30, 80], up: [8, 20], latency: [20, 40], loss: [0.1, 0.5] },
  fair: { down: [8, 30], up: [2, 8], latency: [40, 80], loss: [0.5, 2] },
  poor: { down: [0.5, 8], up: [0.2, 2], latency: [80, 250], loss: [2, 9] },
};

type Journey = {
  rng: Rng;
  customer: SeedCustomer;
  events: SeedEvent[];
  anchorMs: number;
  windowStartMs: number;
  add: (type: EventType, atMs: number, summary: string, attributes: Record<string, unknown>) => void;
  /** A time in [fromMs, toMs) during waking hours where the range allows. */
  timeBetween: (fromMs: number, toMs: number) => number;
  /** A time within the last `months` months (never before the history starts). */
  recent: (months: number) => number;
  anytime: () => number;
};

function addMonthsUtc(ms: number, months: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
}

function startJourney(ctx: SeedContext, customer: SeedCustomer): Journey {
  const rng = createRng(mixSeed(ctx.seed, customer.index, FACET.events));
  const anchorMs = ctx.anchor.getTime();
  const windowStartMs = addMonthsUtc(anchorMs, -customer.historyMonths);
  const events: SeedEvent[] = [];
  const timeBetween = (fromMs: number, toMs: number) => {
    const raw = fromMs + Math.floor(rng.next() * Math.max(1, toMs - fromMs));
    const day = Math.floor(raw / DAY_MS) * DAY_MS;
    const daytime = day + rng.int(8, 20) * HOUR_MS + rng.int(0, 3599) * 1000;
    const at = daytime >= fromMs && daytime < toMs ? daytime : raw;
    return Math.floor(at / 1000) * 1000;
  };
  return {
    rng,
    customer,
    events,
    anchorMs,
    windowStartMs,
    add: (type, atMs, summary, attributes) => events.push({ type, occurredAt: new Date(atMs), summary, attributes }),
    timeBetween,
    recent: (months) => timeBetween(Math.max(windowStartMs, addMonthsUtc(anchorMs, -months)), anchorMs),
    anytime: () => timeBetween(windowStartMs, anchorMs),
  };
}

function addConversation(j: Journey, kind: ConversationKind, atMs: number, via: "call" | "chat"): void {
  const { rng } = j;
  const options: readonly Conversation[] = conversations[kind];
  const c = rng.pick(options);
  const durationS = via === "call" ? rng.int(120, 1800) : rng.int(180, 1500);
  const base = { topic: c.topic, summary: c.text, sentiment: c.sentiment, sentimentScore: sentimentScore(rng, c.sentiment), durationS };
  if (via === "call") {
    j.add("call_transcript", atMs, `Call (${Math.round(durationS / 60)} min, ${c.sentiment}): ${c.text}`, base);
    return;
  }
  const resolution: string =
    c.sentiment === "negative" ? rng.pick(["unresolved", "escalated", "transferred_to_call"]) : rng.pick(["resolved", "resolved", "unresolved"]);
  j.add("chat_transcript", atMs, `Web chat (${Math.round(durationS / 60)} min, ${c.sentiment}, ${resolution}): ${c.text}`, { ...base, resolution });
}

function addComplaint(j: Journey, category: keyof typeof complaintNotes, atMs: number, note?: string): void {
  const { rng } = j;
  const text = note ?? rng.pick(complaintNotes[category]);
  const status = atMs > j.anchorMs - 14 * DAY_MS && rng.chance(0.6) ? "open" : "resolved";
  j.add("complaint", atMs, `Complaint (${category.replace("_", " ")}): ${text}`, {
    category,
    note: text,
    channel: rng.pick(["call", "chat", "email", "store"]),
    status,
  });
}

function addWebClick(j: Journey, page: string, atMs: number): void {
  const device = j.rng.weighted<string>([["mobile", 55], ["desktop", 25], ["tablet", 8], ["app", j.customer.attributes.hasApp ? 12 : 0]]);
  const timeOnPageS = j.rng.int(8, 420);
  j.add("web_click", atMs, `Viewed ${page} on ${device} for ${timeOnPageS} s`, { page, timeOnPageS, device });
}

function addNetworkQuality(j: Journey, quality: Quality, atMs: number): void {
  const r = qualityRanges[quality];
  const attributes = {
    quality,
    downMbps: j.rng.float(r.down[0], r.down[1], 1),
    upMbps: j.rng.float(r.up[0], r.up[1], 1),
    latencyMs: j.rng.int(r.latency[0], r.latency[1]),
    packetLossPct: j.rng.float(r.loss[0], r.loss[1], 2),
    technology: j.rng.chance(0.45) ? "5G" : "4G",
  };
  j.add(
    "network_quality",
    atMs,
    `Network ${quality}: ${attributes.downMbps} Mbps down, ${attributes.upMbps} up, ${attributes.latencyMs} ms, ${attributes.packetLossPct}% loss`,
    attributes,
  );
}

function addIncident(j: Journey, atMs: number): void {
  const kind = j.rng.weighted<string>([["mast_outage", 35], ["congestion", 30], ["fibre_cut", 15], ["planned_maintenance", 20]]);
  const durationHours = j.rng.int(1, kind === "congestion" ? 6 : 72);
  const affectedServices = j.rng.pick([["data"], ["voice", "data"], ["voice", "sms", "data"]]);
  j.add("network_incident", atMs, `Network incident near the customer (${kind.replaceAll("_", " ")}, ${durationHours} h) in ${j.customer.region}`, {
    kind,
    region: j.customer.region,
    durationHours,
    affectedServices,
    isResolved: atMs + durationHours * HOUR_MS < j.anchorMs,
  });
}

type OfferType = "discount" | "data_bundle" | "device_upgrade" | "loyalty_credit" | "plan_upgrade";

function addOffer(j: Journey, atMs: number, opts: { offerType: OfferType; outcome?: "accepted" | "declined" | "pending"; discountPct?: number }): void {
  const { rng, customer } = j;
  const discountPct = opts.discountPct ?? (opts.offerType === "discount" ? rng.pick([10, 15, 20, 25, 30]) : 0);
  const durationMonths = rng.pick([3, 6, 12, 24]);
  const valuePerMonth =
    opts.offerType === "discount"
      ? roundTo((customer.monthlyRevenue * discountPct) / 100, 2)
      : opts.offerType === "data_bundle"
        ? rng.pick([3, 5, 8])
        : opts.offerType === "device_upgrade"
          ? rng.pick([10, 15, 20])
          : rng.pick([2, 4, 6]);
  const offeredExpiry = atMs + rng.int(14, 45) * DAY_MS;
  // An offer still awaiting an answer has not expired yet.
  const expiresAtMs = opts.outcome === "pending" ? Math.max(offeredExpiry, j.anchorMs + 3 * DAY_MS) : offeredExpiry;
  const outcome = opts.outcome ?? (expiresAtMs > j.anchorMs && rng.chance(0.5) ? "pending" : rng.chance(0.4) ? "accepted" : "declined");
  const decidedAtMs = outcome === "pending" ? null : Math.min(j.anchorMs - HOUR_MS, atMs + rng.int(1, 10) * DAY_MS);
  const what =
    opts.offerType === "discount"
      ? `${discountPct}% off for ${durationMonths} months (${gbp(valuePerMonth)}/month)`
      : `${opts.offerType.replaceAll("_", " ")} worth ${gbp(valuePerMonth)}/month for ${durationMonths} months`;
  j.add("offer", atMs, `Offered ${what}: ${outcome}`, {
    offerType: opts.offerType,
    discountPct,
    durationMonths,
    valuePerMonth,
    priority: rng.int(1, 5),
    expiresAt: new Date(expiresAtMs).toISOString(),
    outcome,
    decidedAt: decidedAtMs === null ? null : new Date(Math.max(atMs, decidedAtMs)).toISOString(),
  });
}

const cheaperPlan: Partial<Record<PlanKey, PlanKey>> = {
  simOnly50: "simOnly10",
  unlimitedLite: "simOnly50",
  unlimitedMax: "unlimitedLite",
  handsetUnlimited: "handset30",
  businessPro: "businessEssentials",
  youthFlex: "simOnly10",
  familyShare: "handset30",
};
const dearerPlan: Partial<Record<PlanKey, PlanKey>> = {
  simOnly10: "simOnly50",
  simOnly50: "unlimitedLite",
  unlimitedLite: "unlimitedMax",
  handset30: "handsetUnlimited",
  seniorTalk: "simOnly10",
  youthFlex: "simOnly50",
  businessEssentials: "businessPro",
};

/** Monthly usage and bills, payments, and any plan change that altered the bill on the way. */
function addMonthly(j: Journey): void {
  const { rng, customer } = j;
  const { story, historyMonths: h } = customer;
  const plan: Plan = plans[customer.planKey];
  const anchor = new Date(j.anchorMs);
  const billingDay = customer.attributes.billingDay;
  let lastBillMs = Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth(), billingDay, 6);
  if (lastBillMs >= j.anchorMs) lastBillMs = addMonthsUtc(lastBillMs, -1);
  const billAt = (k: number) => addMonthsUtc(lastBillMs, -k);

  // A plan change k months ago: bills before it were on the old plan at the old price.
  const changeChance = story === "price_sensitive" ? 0.45 : story === "declining_usage" ? 0.3 : story === "upsell_candidate" ? 0.3 : 0.05;
  const isDowngrade = story === "price_sensitive" || story === "declining_usage" ? true : story === "upsell_candidate" ? false : rng.chance(0.5);
  const oldPlanKey = h > 2 && rng.chance(changeChance) ? (isDowngrade ? dearerPlan[customer.planKey] : cheaperPlan[customer.planKey]) : undefined;
  const changeK = rng.int(1, Math.max(1, h - 2));
  if (oldPlanKey) {
    const oldPlan: Plan = plans[oldPlanKey];
    const atMs = Math.max(j.windowStartMs, billAt(changeK) - rng.int(3, 20) * DAY_MS);
    const monthlyDelta = roundTo(plan.price - oldPlan.price, 2);
    const direction = monthlyDelta < 0 ? "downgrade" : "upgrade";
    j.add("plan_change", atMs, `Moved from ${oldPlan.name} to ${plan.name} (${direction}, ${monthlyDelta >= 0 ? "+" : "-"}${gbp(Math.abs(monthlyDelta))}/month)`, {
      fromPlan: oldPlan.name,
      toPlan: plan.name,
      direction,
      monthlyDelta,
    });
  }

  const allowance = plan.dataGb;
  const baseData = allowance === null ? rng.float(15, 70, 1) : allowance * rng.float(0.3, 0.75);
  const dataScale = customer.segment === "senior" ? 0.35 : 1;
  const baseVoice =
    customer.segment === "small_business" ? rng.int(600, 1500) : customer.segment === "senior" ? rng.int(150, 400) : customer.segment === "youth" ? rng.int(40, 200) : rng.int(100, 600);
  const baseSms = customer.segment === "youth" ? rng.int(20, 150) : customer.segment === "senior" ? rng.int(30, 200) : rng.int(10, 120);
  const isTraveller = rng.chance(0.2);
  const declineMonths = rng.int(3, 5);
  const declineFloor = rng.float(0.15, 0.4);
  const shockMonths = story === "bill_shock" ? rng.int(1, 2) : 0;
  const shockReason = rng.pick(["roaming outside the travel pass", "out-of-bundle data", "premium-rate calls and texts"]);

  const lateMonths = new Set<number>();
  const overdueMonths = new Set<number>();
  if (story === "late_payer") {
    const lateCount = Math.min(h - 1, rng.int(3, 5));
    while (lateMonths.size < lateCount) lateMonths.add(rng.int(1, h - 1));
    overdueMonths.add(0);
    if (rng.chance(0.4)) overdueMonths.add(1);
  } else if (rng.chance(0.04)) {
    lateMonths.add(rng.int(1, h - 1));
  }

  for (let k = h - 1; k >= 0; k--) {
    const billMs = billAt(k);
    let factor = rng.float(0.85, 1.15, 3);
    if (story === "declining_usage" && k < declineMonths) factor *= declineFloor + ((1 - declineFloor) * k) / declineMonths;
    const trend = story === "upsell_candidate" ? 0.75 + (0.35 * (h - 1 - k)) / Math.max(1, h - 1) : 1;
    const dataGb =
      story === "upsell_candidate" && allowance !== null
        ? roundTo(Math.min(allowance * 1.05, allowance * trend * factor), 1)
        : roundTo(baseData * dataScale * factor, 1);
    const voiceMinutes = Math.round(baseVoice * factor);
    const smsCount = Math.round(baseSms * rng.float(0.7, 1.3));
    const billMonth = new Date(billMs).getUTCMonth();
    const isShockMonth = k < shockMonths;
    const roamingGb =
      isShockMonth && shockReason.startsWith("roaming")
        ? rng.float(3, 9, 1)
        : isTraveller && billMonth >= 6 && billMonth <= 8 && rng.chance(0.6)
          ? rng.float(0.2, 3, 1)
          : 0;
    j.add("usage", billMs - 4 * HOUR_MS, `Used ${dataGb} GB data, ${voiceMinutes} min calls, ${smsCount} texts${roamingGb > 0 ? `, ${roamingGb} GB roaming` : ""}`, {
      period: monthLabel(billMs),
      dataGb,
      voiceMinutes,
      smsCount,
      roamingGb,
      ...(allowance === null ? {} : { allowanceGb: allowance }),
    });

    const billPlan: Plan = oldPlanKey && k > changeK ? plans[oldPlanKey] : plan;
    // Extra lines and add-ons stay the same across a plan change; only the plan's own price moves.
    const monthlyCharge = roundTo(billPlan.price + (customer.monthlyRevenue - plan.price), 2);
    const additionalCharges = isShockMonth
      ? rng.float(35, 160)
      : story === "upsell_candidate" && allowance !== null && dataGb >= allowance
        ? rng.float(3, 12)
        : rng.chance(0.3)
          ? rng.float(0.5, 8)
          : 0;
    const isRecent = billMs > j.anchorMs - 14 * DAY_MS;
    const paymentStatus = overdueMonths.has(k) && !isRecent ? "overdue" : isRecent ? "pending" : "paid";
    const total = roundTo(monthlyCharge + additionalCharges, 2);
    const extrasNote = additionalCharges > 0 ? ` + ${gbp(additionalCharges)} extras${isShockMonth ? ` (${shockReason})` : ""}` : "";
    j.add("billing", billMs, `Bill ${gbp(total)}: ${billPlan.name} ${gbp(monthlyCharge)}${extrasNote}, ${paymentStatus}`, {
      period: monthLabel(billMs),
      planName: billPlan.name,
      monthlyCharge,
      additionalCharges,
      ...(isShockMonth ? { additionalChargesReason: shockReason } : {}),
      total,
      paymentStatus,
    });

    const dueMs = billMs + 14 * DAY_MS;
    if (lateMonths.has(k)) {
      const daysLate = rng.int(3, 40);
      const paidMs = Math.min(j.anchorMs - HOUR_MS, dueMs + daysLate * DAY_MS);
      j.add("payment", paidMs, `Payment of ${gbp(total)} made ${daysLate} days late`, { status: "late", daysLate, amount: total, dueDate: new Date(dueMs).toISOString().slice(0, 10) });
    } else if (paymentStatus === "overdue" && dueMs < j.anchorMs) {
      const daysLate = Math.max(1, Math.floor((j.anchorMs - dueMs) / DAY_MS));
      j.add("payment", dueMs + 9 * HOUR_MS, `Direct debit of ${gbp(total)} failed: payment missed, now ${daysLate} days overdue`, {
        status: "missed",
        daysLate,
        amount: total,
        dueDate: new Date(dueMs).toISOString().slice(0, 10),
      });
    }
  }
}

/** Churn scores every four months (the model's re-scoring cycle), following the story's risk trajectory. */
function addChurnScores(j: Journey): void {
  const { rng, customer } = j;
  const profile = storyProfiles[customer.story];
  const from = rng.float(profile.churnFrom[0], profile.churnFrom[1], 3);
  const to = rng.float(profile.churnTo[0], profile.churnTo[1], 3);
  const count = Math.floor((customer.historyMonths - 1) / 4) + 1;
  for (let i = 0; i < count; i++) {
    const monthsAgo = (count - 1 - i) * 4;
    const scoredAtMs = addMonthsUtc(j.anchorMs, -monthsAgo) - rng.int(1, 20) * DAY_MS + rng.int(1, 5) * HOUR_MS;
    const atMs = Math.max(j.windowStartMs + DAY_MS, scoredAtMs);
    const progress = count === 1 ? 1 : i / (count - 1);
    const probability = Math.min(0.99, Math.max(0.01, roundTo(from + (to - from) * progress ** profile.churnCurve + rng.float(-0.03, 0.03, 3), 3)));
    const riskFactors = probability < 0.2 ? [] : profile.riskFactors.slice(0, probability > 0.5 ? 2 : 1);
    const satisfaction = Math.min(10, Math.max(1, Math.round(9.5 - probability * 8 + rng.float(-1, 1, 1))));
    const lifetimeMonths = customer.tenureMonths - monthsAgo;
    j.add("churn_score", atMs, `Churn risk ${Math.round(probability * 100)}%${riskFactors.length > 0 ? ` (${riskFactors.join(", ").replaceAll("_", " ")})` : ""}, satisfaction ${satisfaction}/10`, {
      probability,
      riskFactors,
      lifetimeMonths,
      satisfaction,
    });
  }
}

function addDevice(j: Journey): void {
  const { rng, customer } = j;
  const isUpgradeReady = customer.story === "device_upgrade_ready";
  const list = isUpgradeReady ? devices.old : customer.segment === "senior" && rng.chance(0.4) ? devices.senior : rng.chance(0.6) ? devices.recent : devices.ageing;
  const model = rng.pick(list);
  const ageMonths = isUpgradeReady ? rng.int(30, 54) : list === devices.ageing ? rng.int(18, 34) : rng.int(1, 20);
  j.add("device", j.recent(2), `Using ${model}, ${ageMonths} months old`, { model, ageMonths, os: model.startsWith("Apple") ? "iOS" : "Android" });
}

/** The journey of `customer`: its dated events in time order; pure in (ctx, customer, contact). */
export function generateEvents(ctx: SeedContext, customer: SeedCustomer, contact: SeedContact): SeedEvent[] {
  const j = startJourney(ctx, customer);
  const { rng } = j;
  const hasAdversarialNote = rng.chance(ADVERSARIAL_NOTE_SHARE);

  addMonthly(j);
  addChurnScores(j);
  addDevice(j);

  const qualityWeights: Weighted<Quality> =
    customer.story === "poor_network"
      ? [["poor", 55], ["fair", 35], ["good", 10]]
      : [["excellent", 30], ["good", 50], ["fair", 17], ["poor", 3]];
  const snapshots = customer.story === "poor_network" ? rng.int(4, 6) : 1;
  for (let i = 0; i < snapshots; i++) {
    addNetworkQuality(j, rng.weighted(qualityWeights), customer.story === "poor_network" ? j.recent(4) : j.anytime());
  }

  if (rng.chance(0.6)) addWebClick(j, rng.pick(generalPages), j.anytime());

  const marketingChannels = contact.permissions.filter((p) => p.marketing).map((p) => p.channel);
  if (marketingChannels.length > 0) {
    for (let i = rng.int(0, 2); i > 0; i--) {
      const channel = rng.pick(marketingChannels);
      const campaign = rng.pick(campaigns);
      const response = rng.weighted<string>([["ignored", 50], ["opened", 30], ["clicked", 15], ["converted", 5]]);
      j.add("campaign_contact", j.anytime(), `${channel === "sms" ? "SMS" : channel[0]?.toUpperCase() + channel.slice(1)} campaign "${campaign}": ${response}`, {
        channel,
        campaign,
        response,
      });
    }
  }

  switch (customer.story) {
    case "loyal_quiet":
      if (rng.chance(0.25)) addConversation(j, "general", j.anytime(), rng.chance(0.6) ? "call" : "chat");
      if (rng.chance(0.2)) addOffer(j, j.anytime(), { offerType: "loyalty_credit", outcome: "accepted" });
      break;
    case "declining_usage":
      if (rng.chance(0.3)) addConversation(j, "price", j.recent(5), "chat");
      if (rng.chance(0.3)) addWebClick(j, "/plans/sim-only", j.recent(3));
      break;
    case "bill_shock": {
      const after = () => j.recent(1);
      if (rng.chance(0.75)) addConversation(j, "billing", after(), rng.chance(0.6) ? "call" : "chat");
      if (rng.chance(0.6)) addComplaint(j, "billing", after());
      addWebClick(j, "/account/bill", after());
      if (rng.chance(0.5)) addWebClick(j, "/help/roaming-charges", after());
      break;
    }
    case "repeated_complaints": {
      const count = rng.int(3, 6);
      for (let i = 0; i < count; i++) {
        addComplaint(j, rng.weighted([["billing", 30], ["customer_service", 35], ["network", 20], ["device", 8], ["contract", 7]]), j.recent(6));
      }
      for (let i = rng.int(1, 3); i > 0; i--) addConversation(j, "complaint", j.recent(6), rng.chance(0.7) ? "call" : "chat");
      break;
    }
    case "poor_network":
      for (let i = rng.int(2, 4); i > 0; i--) addIncident(j, j.recent(4));
      for (let i = rng.int(1, 2); i > 0; i--) addConversation(j, "network", j.recent(4), rng.chance(0.6) ? "call" : "chat");
      if (rng.chance(0.7)) addComplaint(j, "network", j.recent(3));
      addWebClick(j, rng.pick(["/coverage-checker", "/help/network-status"]), j.recent(3));
      break;
    case "late_payer":
      if (rng.chance(0.5)) addConversation(j, "payment", j.recent(3), "call");
      if (rng.chance(0.15)) addComplaint(j, "billing", j.recent(6));
      addWebClick(j, "/account/payments", j.recent(2));
      break;
    case "port_out_enquiry": {
      const via = rng.chance(0.6) ? "call" : "chat";
      addConversation(j, "portOut", j.recent(1), via);
      if (rng.chance(0.3)) addConversation(j, "price", j.recent(3), via === "call" ? "chat" : "call");
      addWebClick(j, rng.pick(["/help/pac-code", "/help/leaving-us", "/help/switching-network"]), j.recent(1));
      if (rng.chance(0.5)) addWebClick(j, "/account/contract", j.recent(1));
      if (rng.chance(0.4)) addOffer(j, j.recent(1), { offerType: "discount", outcome: "pending", discountPct: rng.pick([15, 20, 25]) });
      if (rng.chance(0.3)) addComplaint(j, rng.pick(["billing", "customer_service", "contract"]), j.recent(4));
      break;
    }
    case "device_upgrade_ready":
      for (let i = rng.int(2, 3); i > 0; i--) addWebClick(j, rng.pick(["/shop/phones", "/shop/phones/upgrade-check", "/shop/phones/apple-iphone-16", "/shop/phones/samsung-galaxy-s24"]), j.recent(3));
      if (rng.chance(0.4)) addConversation(j, "upgrade", j.recent(3), rng.chance(0.5) ? "call" : "chat");
      if (rng.chance(0.4)) addOffer(j, j.recent(4), { offerType: "device_upgrade" });
      break;
    case "price_sensitive": {
      const offers = rng.int(2, 3);
      for (let i = 0; i < offers; i++) addOffer(j, j.anytime(), { offerType: "discount", outcome: i === offers - 1 && rng.chance(0.4) ? "accepted" : "declined", discountPct: i === offers - 1 ? 30 : rng.pick([5, 10, 15]) });
      if (rng.chance(0.5)) addConversation(j, "price", j.recent(6), rng.chance(0.5) ? "call" : "chat");
      addWebClick(j, rng.pick(["/plans/sim-only", "/deals", "/plans/compare"]), j.recent(2));
      break;
    }
    case "upsell_candidate":
      addWebClick(j, rng.pick(["/plans/unlimited", "/account/add-ons", "/family-plans"]), j.recent(3));
      if (rng.chance(0.2)) addConversation(j, "upsell", j.recent(4), rng.chance(0.5) ? "call" : "chat");
      if (rng.chance(0.5)) addOffer(j, j.anytime(), { offerType: rng.pick(["data_bundle", "plan_upgrade"] as const), outcome: "accepted" });
      break;
  }

  if (customer.story !== "poor_network" && rng.chance(0.06)) addIncident(j, j.anytime());
  if (customer.story !== "loyal_quiet" && customer.story !== "price_sensitive" && rng.chance(0.15)) addOffer(j, j.anytime(), { offerType: rng.pick(["discount", "data_bundle", "loyalty_credit"] as const) });
  if (rng.chance(0.04)) addComplaint(j, rng.pick(["billing", "network", "customer_service"]), j.anytime());
  if (hasAdversarialNote) addComplaint(j, rng.pick(["billing", "customer_service"]), j.recent(6), rng.pick(adversarialComplaintNotes));

  // Stable sort keeps same-instant events in the order they were generated.
  return j.events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}

/** Everything seeded for customer `index`: profile, consent and journey. */
export function generateBundle(ctx: SeedContext, index: number): SeedBundle {
  const customer = generateCustomer(ctx, index);
  const contact = generateContact(ctx, customer);
  return { customer, contact, events: generateEvents(ctx, customer, contact) };
}
