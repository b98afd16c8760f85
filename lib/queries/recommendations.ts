import "server-only";
import { Prisma, type PolicyKind, type PrismaClient, type RecommendationStatus, type ValueTier } from "../generated/prisma/client";
import type pg from "pg";
import { getSegment, segmentSql } from "./segments";
import { z } from "zod";
import { OTHER_REASON, type ReviewFilter, type ReviewSort, type SortDirection } from "../validations/review";
import { paginate, type Paginated } from "./pagination";
import { excerpt } from "./text";

export const RATIONALE_EXCERPT_LENGTH = 160;

export type ReviewQueueRow = {
  id: string;
  customer: { id: string; name: string; valueTier: ValueTier };
  treatment: { key: string; name: string; resourceKey: string | null; unitsPerContact: number } | null;
  policy: PolicyKind;
  confidence: number;
  expectedValue: number;
  /** The customer's churn risk in [0, 1] as last analysed; null before any analysis was kept. */
  churnRisk: number | null;
  rationale: string;
  rationaleExcerpt: string;
  createdAt: Date;
};

/** Narrowing of the review queue (lib/validations/review.ts reviewFilterSchema); every field given must match. */
export type ReviewFilters = ReviewFilter;

/** What the queue's query reads a saved segment through: a pg pool or client, or Prisma (prismaQueryable). */
export type ReviewQueueSource = Pick<pg.ClientBase, "query">;

/** Prisma as a node-postgres query function, so the queue's Prisma callers need no second connection pool. */
export function prismaQueryable(db: PrismaClient): ReviewQueueSource {
  const query = async (text: string, values: unknown[] = []) => ({ rows: await db.$queryRawUnsafe(text, ...values) });
  return { query } as unknown as ReviewQueueSource;
}

/**
 * The review queue in SQL: its rows (`r` recommendation, `c` customer, `i` stored insight, `t`
 * treatment), the pending ones its filter keeps and its order. The screen's page, its total,
 * select-all-matching and the CSV export all read this one query, so a filter or a sort is written once.
 */
export type ReviewQueueSql = { from: Prisma.Sql; where: Prisma.Sql; orderBy: Prisma.Sql };

const REVIEW_QUEUE_FROM = Prisma.sql`"Recommendation" r
  JOIN "Customer" c ON c.id = r."customerId"
  LEFT JOIN "CustomerInsight" i ON i."customerId" = r."customerId"
  LEFT JOIN "Treatment" t ON t.key = r."treatmentKey"`;

// "Contains, any case" as the queue's search means it: the customer's own % and _ are not wildcards.
const likeContains = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The members of the saved segment `id` as a condition on the queue's customer. An id that names no
 * segment keeps nothing, so a deleted segment never widens the queue.
 */
async function savedSegmentCondition(source: ReviewQueueSource, id: string): Promise<Prisma.Sql> {
  const segment = await getSegment(source as pg.Pool, id);
  return segment ? segmentSql(segment, `r."customerId"`) : Prisma.sql`false`;
}

/** The pending recommendations `filters` keeps: every field given must match. */
async function reviewQueueWhere(source: ReviewQueueSource, filters: ReviewFilters): Promise<Prisma.Sql> {
  const conditions = [Prisma.sql`r.status = 'pending_review'`];
  if (filters.treatment) conditions.push(Prisma.sql`r."treatmentKey" = ${filters.treatment}`);
  if (filters.policy) conditions.push(Prisma.sql`r.policy = ${filters.policy}::"PolicyKind"`);
  if (filters.minConfidence !== undefined) conditions.push(Prisma.sql`r.confidence >= ${filters.minConfidence / 100}`);
  if (filters.resource) conditions.push(Prisma.sql`t."resourceKey" = ${filters.resource}`);
  if (filters.tier) conditions.push(Prisma.sql`c."valueTier" = ${filters.tier}::"ValueTier"`);
  if (filters.q) {
    const pattern = likeContains(filters.q);
    conditions.push(Prisma.sql`(r."customerId" ILIKE ${pattern} OR c.name ILIKE ${pattern})`);
  }
  if (filters.saved) conditions.push(await savedSegmentCondition(source, filters.saved));
  return Prisma.join(conditions, " AND ");
}

// A new sort without its column here fails tsc.
const REVIEW_ORDER_COLUMN: Record<ReviewSort, Prisma.Sql> = {
  created: Prisma.sql`r."createdAt"`,
  value: Prisma.sql`r."expectedValue"`,
  confidence: Prisma.sql`r.confidence`,
  risk: Prisma.sql`i."churnRisk"`,
  tier: Prisma.sql`c."valueTier"`,
  treatment: Prisma.sql`t.name`,
  name: Prisma.sql`c.name`,
  id: Prisma.sql`r."customerId"`,
};

/**
 * The queue's order: the chosen column, ties oldest first, then id so pages never overlap or skip a
 * row. Customers never analysed have no risk and come last either way: a reviewer sorting by the
 * highest risk wants the known risks first.
 */
function reviewQueueOrderBy(sort: ReviewSort, dir: SortDirection): Prisma.Sql {
  const direction = dir === "desc" ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const nulls = sort === "risk" ? Prisma.sql` NULLS LAST` : Prisma.empty;
  return Prisma.sql`${REVIEW_ORDER_COLUMN[sort]} ${direction}${nulls}, r."createdAt" ASC, r.id ASC`;
}

/** The queue as filtered and ordered; the one builder of its WHERE and ORDER BY. */
export async function reviewQueueSql(
  source: ReviewQueueSource,
  { filters = {}, sort = "created", dir = "asc" }: { filters?: ReviewFilters; sort?: ReviewSort; dir?: SortDirection },
): Promise<ReviewQueueSql> {
  return { from: REVIEW_QUEUE_FROM, where: await reviewQueueWhere(source, filters), orderBy: reviewQueueOrderBy(sort, dir) };
}

async function countReviewQueue(db: PrismaClient, q: ReviewQueueSql): Promise<number> {
  const [row] = await db.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS count FROM ${q.from} WHERE ${q.where}`;
  return row?.count ?? 0;
}

type ReviewQueueSqlRow = {
  id: string;
  customerId: string;
  customerName: string;
  valueTier: ValueTier;
  treatmentKey: string | null;
  treatmentName: string | null;
  resourceKey: string | null;
  unitsPerContact: number | null;
  policy: PolicyKind;
  confidence: number;
  expectedValue: string;
  churnRisk: number | null;
  rationale: string;
  createdAt: Date;
};

/** Recommendations awaiting review, oldest first unless another order is asked for, so nothing waits forever behind newer runs. */
export async function listPendingReviews(
  db: PrismaClient,
  { page, pageSize, filters = {}, sort, dir }: { page: number; pageSize?: number; filters?: ReviewFilters; sort?: ReviewSort; dir?: SortDirection },
): Promise<Paginated<ReviewQueueRow>> {
  const q = await reviewQueueSql(prismaQueryable(db), { filters, sort, dir });
  return paginate({
    page,
    pageSize,
    count: () => countReviewQueue(db, q),
    fetch: async ({ skip, take }) => {
      const rows = await db.$queryRaw<ReviewQueueSqlRow[]>`
        SELECT r.id::text AS id, r."customerId", c.name AS "customerName", c."valueTier"::text AS "valueTier",
               r."treatmentKey", t.name AS "treatmentName", t."resourceKey", t."unitsPerContact",
               r.policy::text AS policy, r.confidence, r."expectedValue"::text AS "expectedValue", i."churnRisk", r.rationale, r."createdAt"
          FROM ${q.from} WHERE ${q.where} ORDER BY ${q.orderBy} LIMIT ${take} OFFSET ${skip}`;
      return rows.map((r) => ({
        id: r.id,
        customer: { id: r.customerId, name: r.customerName, valueTier: r.valueTier },
        treatment:
          r.treatmentKey !== null && r.treatmentName !== null
            ? { key: r.treatmentKey, name: r.treatmentName, resourceKey: r.resourceKey, unitsPerContact: r.unitsPerContact ?? 0 }
            : null,
        policy: r.policy,
        confidence: r.confidence,
        expectedValue: Number(r.expectedValue),
        churnRisk: r.churnRisk,
        rationale: r.rationale,
        rationaleExcerpt: excerpt(r.rationale, RATIONALE_EXCERPT_LENGTH),
        createdAt: r.createdAt,
      }));
    },
  });
}

export type MatchingSelection = {
  /** Every pending recommendation the filter keeps at the time of selection, oldest first: what a bulk action on the selection reviews, and nothing else. */
  ids: string[];
  count: number;
  /** Sum of the selection's expected values, GBP. */
  expectedValue: number;
  /** Units the selection would confirm on each resource (approving), with what is held and free there now. */
  capacity: { resourceKey: string; name: string; unit: string; units: number; recommendations: number }[];
  /** More match than one selection may hold: nothing is selected, narrow the filter. */
  isTooMany: boolean;
};

/**
 * Snapshots the ids a filter keeps now, so a bulk action reviews exactly the set whose totals were
 * shown: a run finishing in between adds nothing to it. At most `max` ids.
 */
export async function selectMatchingReviews(db: PrismaClient, filters: ReviewFilters, { max }: { max: number }): Promise<MatchingSelection> {
  const q = await reviewQueueSql(prismaQueryable(db), { filters });
  const rows = await db.$queryRaw<{ id: string; cents: number; units: number | null; resourceKey: string | null; name: string | null; unit: string | null }[]>`
    SELECT r.id::text AS id, round(r."expectedValue" * 100)::int AS cents, t."unitsPerContact" AS units, rc.key AS "resourceKey", rc.name, rc.unit
      FROM ${q.from} LEFT JOIN "ResourceConstraint" rc ON rc.key = t."resourceKey"
     WHERE ${q.where} ORDER BY ${q.orderBy} LIMIT ${max + 1}`;
  if (rows.length > max) return { ids: [], count: await countReviewQueue(db, q), expectedValue: 0, capacity: [], isTooMany: true };
  const byResource = new Map<string, MatchingSelection["capacity"][number]>();
  let cents = 0;
  for (const r of rows) {
    cents += r.cents;
    if (!r.resourceKey) continue;
    const entry = byResource.get(r.resourceKey) ?? { resourceKey: r.resourceKey, name: r.name ?? r.resourceKey, unit: r.unit ?? "", units: 0, recommendations: 0 };
    entry.units += r.units ?? 0;
    entry.recommendations += 1;
    byResource.set(r.resourceKey, entry);
  }
  return {
    ids: rows.map((r) => r.id),
    count: rows.length,
    expectedValue: cents / 100,
    capacity: [...byResource.values()].sort((a, b) => a.name.localeCompare(b.name)),
    isTooMany: false,
  };
}

export type ReviewHistoryRow = {
  id: string;
  status: "approved" | "rejected" | "overridden";
  customer: { id: string; name: string };
  treatment: { key: string; name: string } | null;
  overriddenFrom: string | null;
  reviewedAt: Date;
  reviewedById: string | null;
  reviewerName: string | null;
  reasonCode: string | null;
  reason: string | null;
  expectedValue: number;
};

const REVIEWED_STATUSES = ["approved", "rejected", "overridden"] as const;

/** Reviewed decisions, newest review first, with who reviewed them and why. */
export async function listReviewHistory(db: PrismaClient, { page, pageSize }: { page: number; pageSize?: number }): Promise<Paginated<ReviewHistoryRow>> {
  const where: Prisma.RecommendationWhereInput = { status: { in: [...REVIEWED_STATUSES] }, reviewedAt: { not: null } };
  return paginate({
    page,
    pageSize,
    count: () => db.recommendation.count({ where }),
    fetch: async ({ skip, take }) => {
      const rows = await db.recommendation.findMany({
        where,
        orderBy: [{ reviewedAt: "desc" }, { id: "asc" }],
        skip,
        take,
        select: {
          id: true,
          status: true,
          customer: { select: { id: true, name: true } },
          treatment: { select: { key: true, name: true } },
          overriddenFrom: true,
          reviewedAt: true,
          reviewedById: true,
          reviewReasonCode: true,
          reviewReason: true,
          expectedValue: true,
        },
      });
      const reviewerIds = [...new Set(rows.flatMap((r) => (r.reviewedById ? [r.reviewedById] : [])))];
      const users = reviewerIds.length > 0 ? await db.user.findMany({ where: { id: { in: reviewerIds } }, select: { id: true, name: true } }) : [];
      const names = new Map(users.map((u) => [u.id, u.name]));
      return rows.map(({ reviewReasonCode, reviewReason, expectedValue, ...r }) => ({
        ...r,
        status: r.status as ReviewHistoryRow["status"],
        reviewedAt: r.reviewedAt!,
        reviewerName: r.reviewedById ? (names.get(r.reviewedById) ?? null) : null,
        reasonCode: reviewReasonCode,
        reason: reviewReason,
        expectedValue: expectedValue.toNumber(),
      }));
    },
  });
}

export type ReviewReasonCount = { status: "rejected" | "overridden"; code: string; label: string; count: number };

/** Rejections and overrides since `since`, counted by reason code, most used first; reviews from before codes existed count as "other". */
export async function countReviewsByReason(db: PrismaClient, { since }: { since: Date }): Promise<ReviewReasonCount[]> {
  const [groups, reasons] = await Promise.all([
    db.recommendation.groupBy({
      by: ["status", "reviewReasonCode"],
      where: { status: { in: ["rejected", "overridden"] }, reviewedAt: { gte: since } },
      _count: { _all: true },
    }),
    db.reviewReason.findMany({ select: { kind: true, code: true, label: true } }),
  ]);
  const labels = new Map(reasons.map((r) => [`${r.kind}:${r.code}`, r.label]));
  const counts = new Map<string, ReviewReasonCount>();
  for (const g of groups) {
    const status = g.status as ReviewReasonCount["status"];
    const code = g.reviewReasonCode ?? OTHER_REASON;
    const key = `${status}:${code}`;
    const label = code === OTHER_REASON ? "Other" : (labels.get(`${status === "rejected" ? "reject" : "override"}:${code}`) ?? code);
    const entry = counts.get(key) ?? { status, code, label, count: 0 };
    entry.count += g._count._all;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => a.status.localeCompare(b.status) || b.count - a.count || a.label.localeCompare(b.label));
}

export type ReviewFilterOptions = {
  /** With the resource each consumes, so a queue filtered by treatment can show that capacity. */
  treatments: { key: string; name: string; resourceKey: string | null }[];
  resources: { key: string; name: string }[];
};

/** Choices for the review filters: every treatment and resource, by name. */
export async function listReviewFilterOptions(db: PrismaClient): Promise<ReviewFilterOptions> {
  const [treatments, resources] = await Promise.all([
    db.treatment.findMany({ where: { isNoAction: false }, select: { key: true, name: true, resourceKey: true }, orderBy: [{ name: "asc" }, { key: "asc" }] }),
    db.resourceConstraint.findMany({ select: { key: true, name: true }, orderBy: [{ name: "asc" }, { key: "asc" }] }),
  ]);
  return { treatments, resources };
}

export async function countPendingReviews(db: PrismaClient): Promise<number> {
  return db.recommendation.count({ where: { status: "pending_review" } });
}

/** Every status with its count, zero for statuses no recommendation has. */
export async function countRecommendationsByStatus(db: PrismaClient): Promise<Record<RecommendationStatus, number>> {
  const groups = await db.recommendation.groupBy({ by: ["status"], _count: { _all: true } });
  const counts: Record<RecommendationStatus, number> = {
    pending_review: 0,
    approved: 0,
    rejected: 0,
    overridden: 0,
    no_action: 0,
    failed: 0,
    superseded: 0,
  };
  for (const g of groups) counts[g.status] = g._count._all;
  return counts;
}

const alternativeSchema = z.object({ treatmentKey: z.string(), expectedValue: z.number(), reason: z.string() });
const hopSchema = z.object({ treatmentKey: z.string(), outcome: z.string(), reason: z.string() });
const stepSchema = z.object({
  agent: z.string().catch("unknown"),
  type: z.string().catch("unknown"),
  message: z.unknown().optional().transform((v) => v ?? null),
  response: z.unknown().optional().transform((v) => v ?? null),
  startedAt: z.string().nullable().catch(null),
  durationMs: z.number().nullable().catch(null),
});
const usageSchema = z.object({ calls: z.number(), promptTokens: z.number(), completionTokens: z.number(), retries: z.number() });

/** A stored list read leniently: entries that do not fit are dropped rather than failing the page. */
function listOf<T>(schema: z.ZodType<T>, value: unknown): T[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v) => {
    const parsed = schema.safeParse(v);
    return parsed.success ? [parsed.data] : [];
  });
}

export type TraceStepView = z.infer<typeof stepSchema>;

export type RecommendationTrace = {
  steps: TraceStepView[];
  notes: string[];
  usage: z.infer<typeof usageSchema> | null;
  evidence: string[];
  language: string | null;
};

/**
 * The stored trace: `{steps, notes, usage, evidence, language}`, or a bare list of steps, after the
 * steps its decision took when the run kept them apart (DecisionTrace; none for older decisions).
 */
export function readTrace(value: unknown, decisionSteps: unknown = []): RecommendationTrace {
  const before = listOf(stepSchema, decisionSteps);
  if (Array.isArray(value)) return { steps: [...before, ...listOf(stepSchema, value)], notes: [], usage: null, evidence: [], language: null };
  const o = value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  const usage = usageSchema.safeParse(o.usage);
  return {
    steps: [...before, ...listOf(stepSchema, o.steps)],
    notes: listOf(z.string(), o.notes),
    usage: usage.success ? usage.data : null,
    evidence: listOf(z.string(), o.evidence),
    language: typeof o.language === "string" ? o.language : null,
  };
}

export type RecommendationDetail = {
  id: string;
  runId: string;
  status: RecommendationStatus;
  treatment: { key: string; name: string; resourceKey: string | null } | null;
  policy: PolicyKind;
  confidence: number;
  expectedValue: number;
  rationale: string;
  permissionStatement: string;
  nextContactAt: Date | null;
  failureReason: string | null;
  /** Ranked, best first, each with the treatment's name where the catalog still has it. */
  alternatives: (z.infer<typeof alternativeSchema> & { name: string })[];
  /** Treatments tried first that had no capacity left. */
  fallbackPath: (z.infer<typeof hopSchema> & { name: string })[];
  trace: RecommendationTrace;
  reviewedAt: Date | null;
  reviewReason: string | null;
  overriddenFrom: { key: string; name: string } | null;
  createdAt: Date;
};

export const CUSTOMER_RECOMMENDATION_DETAIL_LIMIT = 20;

/** A customer's latest recommendations, newest first, with alternatives, fallback path and agent trace. */
export async function listCustomerRecommendations(db: PrismaClient, customerId: string, { limit = CUSTOMER_RECOMMENDATION_DETAIL_LIMIT } = {}): Promise<RecommendationDetail[]> {
  const [rows, treatments] = await Promise.all([
    db.recommendation.findMany({
      where: { customerId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit,
      select: {
        id: true,
        runId: true,
        status: true,
        treatment: { select: { key: true, name: true, resourceKey: true } },
        policy: true,
        confidence: true,
        expectedValue: true,
        rationale: true,
        permissionStatement: true,
        nextContactAt: true,
        failureReason: true,
        alternatives: true,
        fallbackPath: true,
        trace: true,
        reviewedAt: true,
        reviewReason: true,
        overriddenFrom: true,
        createdAt: true,
      },
    }),
    db.treatment.findMany({ select: { key: true, name: true } }),
  ]);
  const decisionTraces = await db.decisionTrace.findMany({ where: { customerId, runId: { in: [...new Set(rows.map((r) => r.runId))] } }, select: { runId: true, steps: true } });
  const stepsOfRun = new Map(decisionTraces.map((t) => [t.runId, t.steps]));
  const names = new Map(treatments.map((t) => [t.key, t.name]));
  const named = <T extends { treatmentKey: string }>(x: T) => ({ ...x, name: names.get(x.treatmentKey) ?? x.treatmentKey });
  return rows.map((r) => ({
    ...r,
    expectedValue: r.expectedValue.toNumber(),
    alternatives: listOf(alternativeSchema, r.alternatives).map(named),
    fallbackPath: listOf(hopSchema, r.fallbackPath).map(named),
    trace: readTrace(r.trace, stepsOfRun.get(r.runId)),
    overriddenFrom: r.overriddenFrom ? { key: r.overriddenFrom, name: names.get(r.overriddenFrom) ?? r.overriddenFrom } : null,
  }));
}
