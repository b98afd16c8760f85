import "server-only";
import { Prisma } from "../generated/prisma/client";
import { ISO_UTC, type SqlQuery } from "../queries/allocations";
import { type ReviewFilters, type ReviewQueueSource, reviewQueueSql } from "../queries/recommendations";
import type { ReviewSort, SortDirection } from "../validations/review";

export type ReviewQueueExportRow = {
  id: string;
  createdAt: string;
  customerId: string;
  customerName: string;
  valueTier: string;
  churnRisk: number | null;
  treatmentKey: string | null;
  treatmentName: string | null;
  policy: string;
  confidence: number;
  expectedValue: string;
  rationale: string;
};

/**
 * The review queue as its screen filters and orders it (lib/queries/recommendations.ts
 * reviewQueueSql, the one builder of both), as parameterised SQL for a cursor.
 */
export async function reviewQueueExportQuery(
  source: ReviewQueueSource,
  opts: { filters: ReviewFilters; sort?: ReviewSort; dir?: SortDirection },
): Promise<SqlQuery> {
  const q = await reviewQueueSql(source, opts);
  const sql = Prisma.sql`
    SELECT r.id::text AS id, ${Prisma.raw(ISO_UTC('r."createdAt"'))} AS "createdAt", r."customerId", c.name AS "customerName",
           c."valueTier"::text AS "valueTier", i."churnRisk", r."treatmentKey", t.name AS "treatmentName",
           r.policy::text AS policy, r.confidence, r."expectedValue"::text AS "expectedValue", r.rationale
      FROM ${q.from}
     WHERE ${q.where}
     ORDER BY ${q.orderBy}`;
  return { text: sql.text, values: sql.values };
}
