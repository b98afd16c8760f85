// Seeded customer profiles: story, region, language, segment, plan, tenure and revenue; pure in
// (seed, index), so any customer can be regenerated alone.
import type { ValueTier } from "../../lib/generated/prisma/enums";
import { valueTierFor } from "../../lib/agents/rules/value-tier";
import { FACET, type SeedContext } from "./context";
import { createRng, mixSeed, roundTo } from "./random";
import type { Rng } from "./random";
import { storyProfiles, storyWeights, type CustomerStory } from "./stories";
import { languagesOutsideWales, namesByLanguage, plans, regions } from "./vocabulary";
import type { Language, Plan, PlanKey, Weighted } from "./vocabulary";

export const customerSegments = ["consumer", "small_business", "youth", "senior", "family"] as const;
export type CustomerSegment = (typeof customerSegments)[number];

export const contractTypes = ["month_to_month", "one_year", "two_year"] as const;
export type ContractType = (typeof contractTypes)[number];

/** Shortest and longest journey history a seeded customer has, in months before the anchor. */
export const HISTORY_MONTHS = { min: 6, max: 18 } as const;

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

const entries = <K extends string>(weights: Record<K, number>): Weighted<K> =>
  Object.entries(weights) as unknown as Weighted<K>;

const storyEntries = entries(storyWeights);

/** `CUS-0000001` for index 0: seven digits cover the five-million-customer ceiling. */
export function customerIdFor(index: number): string {
  return `CUS-${String(index + 1).padStart(7, "0")}`;
}

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
