// Over 300 lines because it is data: twelve treatments and their resources, each with its eligibility written out.
// The treatment catalog and its daily capacities a database starts with: the original CVM proof of
// concept's, with capacity numbers scaled to a customer base. Configuration, not demo data: every
// migrated database gets them once, and from then on managers edit them.
import type pg from "pg";
import type { TreatmentDefinition } from "../agents/domain";
import { checkEligibility, describeEligibilityProblems } from "../agents/rules/eligibility";
import type { CapacityPeriod } from "../generated/prisma/enums";

export type CatalogResource = {
  key: string;
  name: string;
  unit: string;
  /** Contacts per day for the reference population of {@link REFERENCE_CUSTOMERS} customers. */
  baseLimitPerDay: number;
  /** Share of the limit kept for high-value customers, in [0, 1]. */
  reservedHighValueShare: number;
  period: CapacityPeriod;
};

/**
 * A treatment as the agents see it, seeded with its capacity resource in place of the resource key
 * (every seeded contact takes one unit) and with one of the catalog's goals.
 */
export type CatalogTreatment = Omit<TreatmentDefinition, "goal" | "resourceKey" | "unitsPerContact"> & {
  goal: "retention" | "service_recovery" | "upsell" | "engagement" | "winback" | "none";
  resource: CatalogResource | null;
};

/**
 * The original's daily limits were set for a pilot base of about this many customers; a bigger
 * base gets proportionally more capacity so that the scarce resources stay scarce, not absurd.
 */
export const REFERENCE_CUSTOMERS = 500;

/**
 * The base a fresh database's capacities are sized for: 40 retention calls and 100 service calls a
 * day, 20,000 retention SMS. Managers set the real numbers on the Constraints screen.
 */
export const DEFAULT_CAPACITY_CUSTOMERS = 10_000;

/** Daily limit for `customerCount` customers: max(1, round(base × N / 500)); never below 1. */
export function scaleCapacity(baseLimitPerDay: number, customerCount: number): number {
  return Math.max(1, Math.round((baseLimitPerDay * Math.max(0, customerCount)) / REFERENCE_CUSTOMERS));
}

/** Units of `limit` reserved for high-value customers: round(limit × share), within [0, limit]. */
export function reservedUnits(limit: number, share: number): number {
  return Math.min(limit, Math.max(0, Math.round(limit * share)));
}

function resource(key: string, name: string, baseLimitPerDay: number, reservedHighValueShare: number): CatalogResource {
  return { key, name, unit: "contacts", baseLimitPerDay, reservedHighValueShare, period: "day" };
}

// Calls are the scarce, expensive resource, so a quarter of each call queue is kept for the
// customers whose loss would cost most; the plentiful digital channels keep little or nothing.
export const defaultTreatmentCatalog: readonly CatalogTreatment[] = [
  {
    key: "marketing_call_back",
    name: "Retention call-back",
    description: "A retention specialist calls the customer and can offer the bigger discounts and contract deals.",
    channel: "call",
    costPerContact: 10,
    goal: "retention",
    priority: 1,
    expectedEffect: 0.35,
    eligibility: { valueTiers: ["medium", "high", "premium"], minChurnRisk: 0.5 },
    resource: resource("retention_call_slots", "Retention team call slots", 2, 0.25),
    isNoAction: false,
  },
  {
    key: "service_call_back",
    name: "Service call-back",
    description: "A service agent calls to resolve an open problem (network, billing or repeated complaints).",
    channel: "call",
    costPerContact: 8,
    goal: "service_recovery",
    priority: 2,
    expectedEffect: 0.25,
    eligibility: { requiresPatterns: ["poor_network", "repeated_complaints", "bill_shock"] },
    resource: resource("service_call_slots", "Service team call slots", 5, 0.25),
    isNoAction: false,
  },
  {
    key: "retention_sms",
    name: "Retention SMS offer",
    description: "A retention offer sent by SMS, such as a discount for staying or a win-back deal.",
    channel: "sms",
    costPerContact: 0.5,
    goal: "winback",
    priority: 2,
    expectedEffect: 0.08,
    eligibility: { minChurnRisk: 0.4 },
    resource: resource("retention_sms_quota", "Retention SMS quota", 1000, 0.05),
    isNoAction: false,
  },
  {
    key: "early_upgrade",
    name: "Early device upgrade",
    description: "An offer to upgrade the handset before the contract ends, with the remaining device balance waived.",
    channel: "email",
    costPerContact: 15,
    goal: "retention",
    priority: 2,
    expectedEffect: 0.2,
    eligibility: { minTenureMonths: 18, requiresPatterns: ["device_upgrade_due"] },
    resource: resource("early_upgrade_offers", "Early upgrade offers", 50, 0.1),
    isNoAction: false,
  },
  {
    key: "retention_email",
    name: "Retention email offer",
    description: "A retention offer by email: a loyalty discount or a better-value plan.",
    channel: "email",
    costPerContact: 0.25,
    goal: "retention",
    priority: 3,
    expectedEffect: 0.05,
    eligibility: { minChurnRisk: 0.3 },
    resource: resource("retention_email_quota", "Retention email quota", 1000, 0),
    isNoAction: false,
  },
  {
    key: "family_plan",
    name: "Family plan offer",
    description: "A printed pack offering to bring the household's lines onto one shared family plan.",
    channel: "mail",
    costPerContact: 5,
    goal: "upsell",
    priority: 3,
    expectedEffect: 0.12,
    eligibility: { segments: ["family", "consumer"], minTenureMonths: 6 },
    resource: resource("family_plan_offers", "Family plan offers", 100, 0.05),
    isNoAction: false,
  },
  {
    key: "personalized_offer",
    name: "Personalised offer",
    description: "An offer tailored to the customer's usage and history, sent by email.",
    channel: "email",
    costPerContact: 3,
    goal: "retention",
    priority: 3,
    expectedEffect: 0.15,
    eligibility: { valueTiers: ["medium", "high", "premium"], minChurnRisk: 0.3 },
    resource: resource("personalised_offer_budget", "Personalised offer budget", 300, 0.1),
    isNoAction: false,
  },
  {
    key: "service_sms",
    name: "Service update SMS",
    description: "A service message, for example that a network upgrade in the customer's area is coming.",
    channel: "sms",
    costPerContact: 0.5,
    goal: "service_recovery",
    priority: 4,
    expectedEffect: 0.04,
    eligibility: { requiresPatterns: ["poor_network"] },
    resource: resource("service_sms_quota", "Service SMS quota", 10000, 0),
    isNoAction: false,
  },
  {
    key: "data_boost",
    name: "Data boost",
    description: "Extra data added to the allowance at no charge, as goodwill or to show what a bigger plan gives.",
    channel: "sms",
    costPerContact: 2,
    goal: "engagement",
    priority: 4,
    expectedEffect: 0.06,
    eligibility: { segments: ["consumer", "youth", "family", "small_business"] },
    resource: resource("data_boost_allowance", "Data boost allowance", 500, 0.05),
    isNoAction: false,
  },
  {
    key: "loyalty_points",
    name: "Loyalty points",
    description: "Bonus loyalty points credited with an email thanking the customer for staying.",
    channel: "email",
    costPerContact: 0.75,
    goal: "engagement",
    priority: 4,
    expectedEffect: 0.05,
    eligibility: { minTenureMonths: 12 },
    resource: resource("loyalty_points_budget", "Loyalty points budget", 2000, 0),
    isNoAction: false,
  },
  {
    key: "loyalty_app",
    name: "Loyalty app engagement",
    description: "A push notification inviting the customer to rewards in the loyalty app.",
    channel: "push",
    costPerContact: 0.1,
    goal: "engagement",
    priority: 5,
    expectedEffect: 0.02,
    eligibility: {},
    resource: resource("loyalty_app_pushes", "Loyalty app pushes", 10000, 0),
    isNoAction: false,
  },
  {
    key: "ignore",
    name: "No action",
    description: "Leave the customer alone this time: no contact, no cost.",
    channel: null,
    costPerContact: 0,
    goal: "none",
    priority: 9,
    expectedEffect: 0,
    eligibility: {},
    resource: null,
    isNoAction: true,
  },
];

export type ScaledResource = { key: string; name: string; unit: string; limit: number; reservedHighValue: number; period: CapacityPeriod };

/** The catalog's resources with limits for `customerCount` customers; reserve never exceeds limit. */
export function scaledResources(customerCount: number): ScaledResource[] {
  return defaultTreatmentCatalog.flatMap((t) => {
    if (!t.resource) return [];
    const limit = scaleCapacity(t.resource.baseLimitPerDay, customerCount);
    const { key, name, unit, period } = t.resource;
    return [{ key, name, unit, period, limit, reservedHighValue: reservedUnits(limit, t.resource.reservedHighValueShare) }];
  });
}

/** Start of the UTC day containing `at`: the period start of a daily capacity. */
export function startOfUtcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/**
 * Writes every resource and treatment of the default catalog, with capacities for `customerCount`
 * customers. `isOverwrite` puts rows back as defined (the demo seed); otherwise rows that exist are
 * left alone. An overwritten limit never goes below what is already used, so a live database keeps
 * its capacity rule.
 */
export async function writeDefaultCatalog(
  client: Pick<pg.ClientBase, "query">,
  opts: { customerCount: number; anchor?: Date; isOverwrite: boolean },
): Promise<{ treatments: number; resources: number }> {
  const at = opts.anchor ?? new Date();
  // ISO strings, not Date objects: node-postgres would send local time, and these columns hold UTC.
  const now = at.toISOString();
  const periodStart = startOfUtcDay(at).toISOString();
  const resources = scaledResources(opts.customerCount);
  const onResourceConflict = opts.isOverwrite
    ? `DO UPDATE SET
         "name" = EXCLUDED."name",
         "unit" = EXCLUDED."unit",
         "limit" = GREATEST(EXCLUDED."limit", "ResourceConstraint"."used"),
         "reservedHighValue" = LEAST(EXCLUDED."reservedHighValue", GREATEST(EXCLUDED."limit", "ResourceConstraint"."used")),
         "period" = EXCLUDED."period",
         "updatedAt" = EXCLUDED."updatedAt"`
    : "DO NOTHING";
  for (const r of resources) {
    await client.query(
      `INSERT INTO "ResourceConstraint" ("key", "name", "unit", "limit", "reservedHighValue", "period", "periodStart", "updatedAt")
       VALUES ($1, $2, $3, $4, $5, $6::"CapacityPeriod", $7, $8)
       ON CONFLICT ("key") ${onResourceConflict}`,
      [r.key, r.name, r.unit, r.limit, r.reservedHighValue, r.period, periodStart, now],
    );
  }
  const onTreatmentConflict = opts.isOverwrite
    ? `DO UPDATE SET
         "name" = EXCLUDED."name",
         "description" = EXCLUDED."description",
         "channel" = EXCLUDED."channel",
         "costPerContact" = EXCLUDED."costPerContact",
         "goal" = EXCLUDED."goal",
         "priority" = EXCLUDED."priority",
         "expectedEffect" = EXCLUDED."expectedEffect",
         "eligibility" = EXCLUDED."eligibility",
         "resourceKey" = EXCLUDED."resourceKey",
         "isNoAction" = EXCLUDED."isNoAction",
         "updatedAt" = EXCLUDED."updatedAt"`
    : "DO NOTHING";
  for (const t of defaultTreatmentCatalog) {
    // The same check a stored row passes when runs load the catalog, so no catalog is written that no run can load.
    const eligibility = checkEligibility(t.eligibility);
    if (!eligibility.ok) throw new Error(`Treatment ${t.key} has invalid eligibility rules: ${describeEligibilityProblems(eligibility.problems)}`);
    await client.query(
      `INSERT INTO "Treatment" ("key", "name", "description", "channel", "costPerContact", "goal", "priority", "expectedEffect",
                                "eligibility", "resourceKey", "unitsPerContact", "isNoAction", "isActive", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, $4::"Channel", $5, $6, $7, $8, $9::jsonb, $10, 1, $11, true, $12, $12)
       ON CONFLICT ("key") ${onTreatmentConflict}`,
      [
        t.key,
        t.name,
        t.description,
        t.channel,
        t.costPerContact.toFixed(2),
        t.goal,
        t.priority,
        t.expectedEffect,
        JSON.stringify(t.eligibility),
        t.resource?.key ?? null,
        t.isNoAction,
        now,
      ],
    );
  }
  return { treatments: defaultTreatmentCatalog.length, resources: resources.length };
}

// Any constant: two commands migrating one database at once install the catalog once.
const INSTALL_LOCK_KEY = 7_303_012;

/**
 * Gives a database without any treatment the default catalog, with capacities for
 * {@link DEFAULT_CAPACITY_CUSTOMERS} customers, in one transaction. A database that has a catalog
 * keeps it untouched, so this runs after every migration. Returns whether it installed anything.
 */
export async function installDefaultCatalog(client: pg.ClientBase, opts: { anchor?: Date } = {}): Promise<boolean> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [INSTALL_LOCK_KEY]);
    const { rowCount } = await client.query(`SELECT 1 FROM "Treatment" LIMIT 1`);
    const isEmpty = rowCount === 0;
    if (isEmpty) await writeDefaultCatalog(client, { customerCount: DEFAULT_CAPACITY_CUSTOMERS, anchor: opts.anchor, isOverwrite: false });
    await client.query("COMMIT");
    return isEmpty;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}
