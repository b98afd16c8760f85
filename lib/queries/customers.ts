import "server-only";
import { Prisma } from "../generated/prisma/client";
import type { EventType, PolicyKind, PrismaClient, RecommendationStatus, ValueTier } from "../generated/prisma/client";
import type { ChannelPermission as DomainChannelPermission, ContactPreferences, CustomerProfile as DomainProfile, PatternKey } from "../agents/domain";
import { patternKeys } from "../agents/domain";
import { z } from "zod";
import { RISK_BANDS, type RiskBand, riskBandOf, riskBands } from "../agents/rules/risk-band";
import { type CustomerListParams, parseCustomerListParams, type RawSearchParams } from "../validations/list-params";
import { paginate, type Paginated } from "./pagination";
import { type SavedSegment, segmentSql } from "./segments";

// The list rows carry a band, so the band type travels with them to the screens.
export type { RiskBand } from "../agents/rules/risk-band";

export const JOURNEY_EVENT_LIMIT = 200;
export const CUSTOMER_RECOMMENDATION_LIMIT = 50;

export const CUSTOMER_SORTS = ["id", "name", "tenure", "revenue"] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];
/**
 * A filtered list's total is counted only up to this many matches: counting every match of a broad
 * filter at a million customers costs about 100 ms on each page, more than the page itself.
 */
export const RISK_COUNT_CAP = 10_000;
/** From this many customers the unfiltered total is the table's row estimate (pg_class.reltuples, kept by ANALYZE), not a count. */
export const TOTAL_ESTIMATE_FROM = 100_000;

export type CustomerListFilters = {
  /** Matches an id prefix or any part of the name, ignoring case. */
  search?: string;
  segment?: string;
  valueTier?: ValueTier;
  risk?: RiskBand;
  /** Only customers with a recommendation waiting for review. */
  hasPending?: boolean;
  /** Only customers whose stored journey insight shows this pattern (customers never analysed have none). */
  pattern?: PatternKey;
  /** Only the members of this saved segment (from its stored insights). */
  savedSegment?: SavedSegment;
  sort?: CustomerSort;
  direction?: "asc" | "desc";
  page: number;
  pageSize?: number;
};

export type CustomerListRow = Pick<DomainProfile, "id" | "name" | "segment" | "plan" | "valueTier" | "tenureMonths" | "monthlyRevenue" | "region" | "language">;

export type CustomerListItem = CustomerListRow & {
  /** The latest churn score in the customer's journey, in [0, 1]; null when the data has none. */
  churnScore: number | null;
  riskBand: RiskBand | null;
  hasPendingReview: boolean;
};

const SORT_COLUMNS: Record<CustomerSort, Prisma.Sql> = {
  id: Prisma.sql`c.id`,
  name: Prisma.sql`c.name`,
  tenure: Prisma.sql`c."tenureMonths"`,
  revenue: Prisma.sql`c."monthlyRevenue"`,
};

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

// The latest churn score of the customer: one backward step through (customerId, occurredAt).
const latestChurnScore = Prisma.sql`LEFT JOIN LATERAL (
    SELECT CASE WHEN jsonb_typeof(e.attributes -> 'probability') = 'number' THEN (e.attributes ->> 'probability')::float8 END AS score
      FROM "JourneyEvent" e
     WHERE e."customerId" = c.id AND e.type = 'churn_score'
     ORDER BY e."occurredAt" DESC, e.id DESC
     LIMIT 1) risk ON true`;

function customerConditions({ search, segment, valueTier, risk, hasPending, pattern, savedSegment }: CustomerListFilters): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (segment) where.push(Prisma.sql`c.segment = ${segment}`);
  if (valueTier) where.push(Prisma.sql`c."valueTier" = ${valueTier}::"ValueTier"`);
  if (search) {
    const escaped = likeEscape(search);
    where.push(Prisma.sql`(c.id ILIKE ${`${escaped}%`} OR c.name ILIKE ${`%${escaped}%`})`);
  }
  if (hasPending) {
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM "Recommendation" r WHERE r."customerId" = c.id AND r.status = 'pending_review')`);
  }
  if (pattern) {
    // Containment (@>) is what the GIN index on the pattern list answers.
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM "CustomerInsight" i WHERE i."customerId" = c.id AND i.patterns @> ARRAY[${pattern}]::text[])`);
  }
  if (savedSegment) where.push(segmentSql(savedSegment, "c.id"));
  if (risk) {
    const band = RISK_BANDS[risk];
    where.push(Number.isFinite(band.max) ? Prisma.sql`risk.score >= ${band.min} AND risk.score < ${band.max}` : Prisma.sql`risk.score >= ${band.min}`);
  }
  return where;
}

/**
 * A pattern or a saved segment filtering alone is counted on its own table: every insight and
 * member row has its customer (foreign keys), so walking the customers in id order to find the
 * first 10,001 matches (140,000 index entries for a 1-in-14 segment at a million) is not needed.
 */
function soleMembershipCount({ pattern, savedSegment, ...rest }: CustomerListFilters): Prisma.Sql | null {
  const isAlone = !rest.search && !rest.segment && !rest.valueTier && !rest.risk && !rest.hasPending;
  if (!isAlone || Boolean(pattern) === Boolean(savedSegment)) return null;
  if (savedSegment) return Prisma.sql`SELECT 1 FROM "SegmentMember" sm WHERE sm."segmentId" = ${savedSegment.id}::uuid`;
  return Prisma.sql`SELECT 1 FROM "CustomerInsight" i WHERE i.patterns @> ARRAY[${pattern}]::text[]`;
}

/** A pattern the statistics put at this many times the cap is said to be "more than 10,000" without counting. */
const PATTERN_ESTIMATE_MARGIN = 3;

/**
 * Insights showing `pattern` as the planner's statistics estimate them (ANALYZE's share of the
 * pattern times the table's rows), 0 when the statistics do not list it. Counting even the first
 * 10,001 of a common pattern reads a fraction of the whole table at a million customers.
 */
async function estimatePatternShare(db: PrismaClient, pattern: PatternKey): Promise<number> {
  const rows = await db.$queryRaw<{ n: number | null }[]>`
    SELECT (SELECT reltuples FROM pg_class WHERE oid = '"CustomerInsight"'::regclass)::float8 * e.freq AS n
      FROM pg_stats s CROSS JOIN LATERAL unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(elem, freq)
     WHERE s.schemaname = current_schema() AND s.tablename = 'CustomerInsight' AND s.attname = 'patterns' AND e.elem = ${pattern}`;
  return Number(rows[0]?.n ?? 0);
}

const whereClause = (conditions: Prisma.Sql[]) => (conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty);

type CustomerListRaw = Omit<CustomerListItem, "monthlyRevenue" | "riskBand"> & { monthlyRevenue: Prisma.Decimal | string; churnScore: number | null };

/**
 * One page of customers with their latest churn score and whether a recommendation awaits review.
 * Sorted by the chosen column then id (both indexed); `isTotalCapped` when a filter matched more
 * than RISK_COUNT_CAP customers and `total` stops there; `isTotalEstimated` when the unfiltered
 * total is the table's row estimate (from TOTAL_ESTIMATE_FROM customers).
 */
export async function listCustomers(
  db: PrismaClient,
  filters: CustomerListFilters,
): Promise<Paginated<CustomerListItem> & { isTotalCapped: boolean; isTotalEstimated: boolean }> {
  const conditions = customerConditions(filters);
  const join = filters.risk ? latestChurnScore : Prisma.empty;
  const where = whereClause(conditions);
  const direction = filters.direction === "desc" ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const orderBy = filters.sort && filters.sort !== "id" ? Prisma.sql`${SORT_COLUMNS[filters.sort]} ${direction}, c.id ${direction}` : Prisma.sql`c.id ${direction}`;
  let isTotalCapped = false;
  let isTotalEstimated = false;
  const result = await paginate({
    page: filters.page,
    pageSize: filters.pageSize,
    count: async () => {
      if (conditions.length === 0) {
        const estimate = await db.$queryRaw<{ n: number }[]>`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = '"Customer"'::regclass`;
        const n = Number(estimate[0]?.n ?? -1);
        if (n >= TOTAL_ESTIMATE_FROM) {
          isTotalEstimated = true;
          return Math.round(n);
        }
        const rows = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "Customer" c`;
        return Number(rows[0]?.n ?? 0);
      }
      if (filters.pattern && soleMembershipCount(filters) && (await estimatePatternShare(db, filters.pattern)) >= PATTERN_ESTIMATE_MARGIN * (RISK_COUNT_CAP + 1)) {
        isTotalCapped = true;
        return RISK_COUNT_CAP;
      }
      const only = soleMembershipCount(filters);
      const rows = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM (${only ?? Prisma.sql`SELECT 1 FROM "Customer" c ${join} ${where}`} LIMIT ${RISK_COUNT_CAP + 1}) capped`;
      const n = Number(rows[0]?.n ?? 0);
      isTotalCapped = n > RISK_COUNT_CAP;
      return Math.min(n, RISK_COUNT_CAP);
    },
    fetch: async ({ skip, take }) => {
      // The page's ids first (skipping rows costs an index step each), then the journey lookups for those rows only.
      const rows = await db.$queryRaw<CustomerListRaw[]>`
        SELECT c.id, c.name, c.segment, c.plan, c."valueTier"::text AS "valueTier", c."tenureMonths", c."monthlyRevenue", c.region, c.language,
               risk.score AS "churnScore",
               EXISTS (SELECT 1 FROM "Recommendation" r WHERE r."customerId" = c.id AND r.status = 'pending_review') AS "hasPendingReview"
          FROM (SELECT c.id FROM "Customer" c ${join} ${where} ORDER BY ${orderBy} LIMIT ${take} OFFSET ${skip}) page
          JOIN "Customer" c ON c.id = page.id
          ${latestChurnScore}
         ORDER BY ${orderBy}`;
      return rows.map((r) => ({ ...r, monthlyRevenue: Number(r.monthlyRevenue), riskBand: riskBandOf(r.churnScore) }));
    },
  });
  return { ...result, isTotalCapped, isTotalEstimated };
}

/** The segments present in the data, for the filter. */
export async function listCustomerSegments(db: PrismaClient): Promise<string[]> {
  // One index step per distinct segment (a loose index scan), not a pass over every customer.
  const rows = await db.$queryRaw<{ segment: string }[]>`
    WITH RECURSIVE s AS (
      (SELECT segment FROM "Customer" ORDER BY segment LIMIT 1)
      UNION ALL
      SELECT (SELECT c.segment FROM "Customer" c WHERE c.segment > s.segment ORDER BY c.segment LIMIT 1) FROM s WHERE s.segment IS NOT NULL
    )
    SELECT segment FROM s WHERE segment IS NOT NULL`;
  return rows.map((r) => r.segment);
}

export async function countCustomers(db: PrismaClient): Promise<number> {
  return db.customer.count();
}

export async function countJourneyEvents(db: PrismaClient): Promise<number> {
  return db.journeyEvent.count();
}

/** The agents' profile as the customer page shows it: without the raw attributes, with the churn flag and when it was created. */
export type CustomerProfile = CustomerListRow &
  Pick<DomainProfile, "contractType" | "totalRevenue" | "source"> & {
    churned: boolean | null;
    createdAt: Date;
  };

/** The agents' channel permission with when it was last recorded. */
export type ChannelPermission = DomainChannelPermission & { updatedAt: Date };

export type ContactPreferenceView = ContactPreferences;

export type JourneyEventRow = {
  id: string;
  type: EventType;
  occurredAt: Date;
  summary: string;
};

export type CustomerRecommendationRow = {
  id: string;
  runId: string;
  status: RecommendationStatus;
  treatment: { key: string; name: string } | null;
  policy: PolicyKind;
  confidence: number;
  expectedValue: number;
  rationale: string;
  permissionStatement: string;
  failureReason: string | null;
  createdAt: Date;
};

export type CustomerDetail = {
  profile: CustomerProfile;
  permissions: ChannelPermission[];
  /** False when the customer has no permission rows at all: no marketing contact on any channel. */
  hasPermissionRecord: boolean;
  preference: ContactPreferenceView | null;
  /** The latest events, oldest first. */
  events: JourneyEventRow[];
  eventTotal: number;
  /** Newest first. */
  recommendations: CustomerRecommendationRow[];
};

/** Null when no customer has this id. */
export async function getCustomerDetail(db: PrismaClient, id: string): Promise<CustomerDetail | null> {
  const customer = await db.customer.findUnique({
    where: { id },
    select: {
      id: true,
      name: true,
      segment: true,
      plan: true,
      contractType: true,
      valueTier: true,
      tenureMonths: true,
      monthlyRevenue: true,
      totalRevenue: true,
      region: true,
      language: true,
      source: true,
      churned: true,
      createdAt: true,
      permissions: {
        select: { channel: true, marketing: true, serviceUpdates: true, billing: true, updatedAt: true },
        orderBy: { channel: "asc" },
      },
      preference: {
        select: {
          preferredLanguage: true,
          contactWindowStart: true,
          contactWindowEnd: true,
          dndStart: true,
          dndEnd: true,
          timeZone: true,
        },
      },
      // Newest first so the limit keeps the latest; reversed below into time order.
      events: {
        select: { id: true, type: true, occurredAt: true, summary: true },
        orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
        take: JOURNEY_EVENT_LIMIT,
      },
      recommendations: {
        select: {
          id: true,
          runId: true,
          status: true,
          treatment: { select: { key: true, name: true } },
          policy: true,
          confidence: true,
          expectedValue: true,
          rationale: true,
          permissionStatement: true,
          failureReason: true,
          createdAt: true,
        },
        orderBy: { createdAt: "desc" },
        take: CUSTOMER_RECOMMENDATION_LIMIT,
      },
      _count: { select: { events: true } },
    },
  });
  if (!customer) return null;

  const { permissions, preference, events, recommendations, _count, monthlyRevenue, totalRevenue, ...profile } = customer;
  return {
    profile: {
      ...profile,
      monthlyRevenue: monthlyRevenue.toNumber(),
      totalRevenue: totalRevenue === null ? null : totalRevenue.toNumber(),
    },
    permissions,
    hasPermissionRecord: permissions.length > 0,
    preference,
    events: events.map((e) => ({ ...e, id: e.id.toString() })).reverse(),
    eventTotal: _count.events,
    recommendations: recommendations.map((r) => ({ ...r, expectedValue: r.expectedValue.toNumber() })),
  };
}

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);
const customerListExtraSchema = z.object({
  risk: z.preprocess(first, z.enum(riskBands).optional().catch(undefined)),
  pending: z.preprocess(first, z.literal("yes").optional().catch(undefined)),
  pattern: z.preprocess(first, z.enum(patternKeys).optional().catch(undefined)),
  saved: z.preprocess(first, z.uuid().optional().catch(undefined)),
  sort: z.preprocess(first, z.enum(CUSTOMER_SORTS).optional().catch(undefined)),
  dir: z.preprocess(first, z.enum(["asc", "desc"]).optional().catch(undefined)),
});

export type CustomerListQuery = CustomerListParams & z.infer<typeof customerListExtraSchema>;

/** The customers list's URL parameters; never throws, anything unusable falls back to its default. */
export function parseCustomerListQuery(raw: RawSearchParams): CustomerListQuery {
  return { ...parseCustomerListParams(raw), ...customerListExtraSchema.parse(raw) };
}
