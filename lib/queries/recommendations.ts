import "server-only";
import type { PolicyKind, Prisma, PrismaClient, RecommendationStatus, ValueTier } from "../generated/prisma/client";
import { z } from "zod";
import { paginate, type Paginated } from "./pagination";
import { excerpt } from "./text";

export const RATIONALE_EXCERPT_LENGTH = 160;

export type ReviewQueueRow = {
  id: string;
  customer: { id: string; name: string; valueTier: ValueTier };
  treatment: { key: string; name: string; resourceKey: string | null } | null;
  policy: PolicyKind;
  confidence: number;
  expectedValue: number;
  rationale: string;
  rationaleExcerpt: string;
  createdAt: Date;
};

/** Narrowing of the review queue; every field given must match. */
export type ReviewFilters = {
  treatmentKey?: string;
  policy?: PolicyKind;
  resourceKey?: string;
  /** In [0, 1]. */
  minConfidence?: number;
  valueTier?: ValueTier;
};

function reviewWhere(filters: ReviewFilters): Prisma.RecommendationWhereInput {
  return {
    status: "pending_review",
    ...(filters.treatmentKey ? { treatmentKey: filters.treatmentKey } : {}),
    ...(filters.policy ? { policy: filters.policy } : {}),
    ...(filters.resourceKey ? { treatment: { resourceKey: filters.resourceKey } } : {}),
    ...(filters.minConfidence !== undefined ? { confidence: { gte: filters.minConfidence } } : {}),
    ...(filters.valueTier ? { customer: { valueTier: filters.valueTier } } : {}),
  };
}

/** Recommendations awaiting review, oldest first so nothing waits forever behind newer runs. */
export async function listPendingReviews(
  db: PrismaClient,
  { page, pageSize, filters = {} }: { page: number; pageSize?: number; filters?: ReviewFilters },
): Promise<Paginated<ReviewQueueRow>> {
  const where = reviewWhere(filters);
  return paginate({
    page,
    pageSize,
    count: () => db.recommendation.count({ where }),
    fetch: async ({ skip, take }) => {
      const rows = await db.recommendation.findMany({
        where,
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        skip,
        take,
        select: {
          id: true,
          customer: { select: { id: true, name: true, valueTier: true } },
          treatment: { select: { key: true, name: true, resourceKey: true } },
          policy: true,
          confidence: true,
          expectedValue: true,
          rationale: true,
          createdAt: true,
        },
      });
      return rows.map(({ expectedValue, ...r }) => ({
        ...r,
        expectedValue: expectedValue.toNumber(),
        rationaleExcerpt: excerpt(r.rationale, RATIONALE_EXCERPT_LENGTH),
      }));
    },
  });
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

/** The stored trace: `{steps, notes, usage, evidence, language}`, or a bare list of steps. */
export function readTrace(value: unknown): RecommendationTrace {
  if (Array.isArray(value)) return { steps: listOf(stepSchema, value), notes: [], usage: null, evidence: [], language: null };
  const o = value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  const usage = usageSchema.safeParse(o.usage);
  return {
    steps: listOf(stepSchema, o.steps),
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
  const names = new Map(treatments.map((t) => [t.key, t.name]));
  const named = <T extends { treatmentKey: string }>(x: T) => ({ ...x, name: names.get(x.treatmentKey) ?? x.treatmentKey });
  return rows.map((r) => ({
    ...r,
    expectedValue: r.expectedValue.toNumber(),
    alternatives: listOf(alternativeSchema, r.alternatives).map(named),
    fallbackPath: listOf(hopSchema, r.fallbackPath).map(named),
    trace: readTrace(r.trace),
    overriddenFrom: r.overriddenFrom ? { key: r.overriddenFrom, name: names.get(r.overriddenFrom) ?? r.overriddenFrom } : null,
  }));
}
