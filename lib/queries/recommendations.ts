import "server-only";
import type { PolicyKind, PrismaClient, RecommendationStatus, ValueTier } from "../generated/prisma/client";
import { paginate, type Paginated } from "./pagination";
import { excerpt } from "./text";

export const RATIONALE_EXCERPT_LENGTH = 160;

export type ReviewQueueRow = {
  id: string;
  customer: { id: string; name: string; valueTier: ValueTier };
  treatment: { key: string; name: string } | null;
  policy: PolicyKind;
  confidence: number;
  expectedValue: number;
  rationaleExcerpt: string;
  createdAt: Date;
};

/** Recommendations awaiting review, oldest first so nothing waits forever behind newer runs. */
export async function listPendingReviews(
  db: PrismaClient,
  { page, pageSize }: { page: number; pageSize?: number },
): Promise<Paginated<ReviewQueueRow>> {
  const where = { status: "pending_review" } as const;
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
          treatment: { select: { key: true, name: true } },
          policy: true,
          confidence: true,
          expectedValue: true,
          rationale: true,
          createdAt: true,
        },
      });
      return rows.map(({ rationale, expectedValue, ...r }) => ({
        ...r,
        expectedValue: expectedValue.toNumber(),
        rationaleExcerpt: excerpt(rationale, RATIONALE_EXCERPT_LENGTH),
      }));
    },
  });
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
  };
  for (const g of groups) counts[g.status] = g._count._all;
  return counts;
}
