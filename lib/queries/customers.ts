import "server-only";
import type {
  Channel,
  CustomerSource,
  EventType,
  PolicyKind,
  Prisma,
  PrismaClient,
  RecommendationStatus,
  ValueTier,
} from "../generated/prisma/client";
import { paginate, type Paginated } from "./pagination";

export const JOURNEY_EVENT_LIMIT = 200;
export const CUSTOMER_RECOMMENDATION_LIMIT = 50;

export type CustomerListFilters = {
  /** Matches an id prefix or any part of the name, ignoring case. */
  search?: string;
  segment?: string;
  valueTier?: ValueTier;
  page: number;
  pageSize?: number;
};

export type CustomerListRow = {
  id: string;
  name: string;
  segment: string;
  plan: string;
  valueTier: ValueTier;
  tenureMonths: number;
  monthlyRevenue: number;
  region: string;
  language: string;
};

function customerWhere({ search, segment, valueTier }: CustomerListFilters): Prisma.CustomerWhereInput {
  const where: Prisma.CustomerWhereInput = {};
  if (segment) where.segment = segment;
  if (valueTier) where.valueTier = valueTier;
  if (search) {
    where.OR = [
      { id: { startsWith: search, mode: "insensitive" } },
      { name: { contains: search, mode: "insensitive" } },
    ];
  }
  return where;
}

export async function listCustomers(db: PrismaClient, filters: CustomerListFilters): Promise<Paginated<CustomerListRow>> {
  const where = customerWhere(filters);
  return paginate({
    page: filters.page,
    pageSize: filters.pageSize,
    count: () => db.customer.count({ where }),
    fetch: async ({ skip, take }) => {
      const rows = await db.customer.findMany({
        where,
        orderBy: { id: "asc" },
        skip,
        take,
        select: {
          id: true,
          name: true,
          segment: true,
          plan: true,
          valueTier: true,
          tenureMonths: true,
          monthlyRevenue: true,
          region: true,
          language: true,
        },
      });
      return rows.map((r) => ({ ...r, monthlyRevenue: r.monthlyRevenue.toNumber() }));
    },
  });
}

/** The segments present in the data, for the filter. */
export async function listCustomerSegments(db: PrismaClient): Promise<string[]> {
  const rows = await db.customer.findMany({ distinct: ["segment"], select: { segment: true }, orderBy: { segment: "asc" } });
  return rows.map((r) => r.segment);
}

export async function countCustomers(db: PrismaClient): Promise<number> {
  return db.customer.count();
}

export async function countJourneyEvents(db: PrismaClient): Promise<number> {
  return db.journeyEvent.count();
}

export type CustomerProfile = CustomerListRow & {
  contractType: string;
  totalRevenue: number | null;
  source: CustomerSource;
  churned: boolean | null;
  createdAt: Date;
};

export type ChannelPermission = {
  channel: Channel;
  marketing: boolean;
  serviceUpdates: boolean;
  billing: boolean;
  updatedAt: Date;
};

export type ContactPreferenceView = {
  preferredLanguage: string;
  contactWindowStart: string | null;
  contactWindowEnd: string | null;
  dndStart: string | null;
  dndEnd: string | null;
  timeZone: string;
};

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
