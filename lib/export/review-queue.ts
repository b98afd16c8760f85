import "server-only";
import { ISO_UTC, type SqlQuery } from "../queries/allocations";
import type { ReviewFilters } from "../queries/recommendations";
import { type SavedSegment, segmentWhere } from "../queries/segments";
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

// "contains, any case" as the queue's search means it: the customer's own % and _ are not wildcards.
const likeContains = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

// The screen's sort columns (lib/queries/recommendations.ts reviewOrderBy), in SQL; a new sort without a column here fails tsc.
const ORDER_COLUMN: Record<ReviewSort, string> = {
  created: `r."createdAt"`,
  value: `r."expectedValue"`,
  confidence: "r.confidence",
  risk: `i."churnRisk"`,
  tier: `c."valueTier"`,
  treatment: "t.name",
  name: "c.name",
  id: `r."customerId"`,
};

/**
 * The pending recommendations the review queue's filter keeps (the same conditions as
 * lib/queries/recommendations.ts applies to the screen), in the screen's order (ties oldest first, then by id), for a cursor.
 * `segment` is the saved segment `f.saved` names, read by the caller; when it is missing the export
 * holds nothing, as the screen lists nothing for a segment that does not exist.
 */
export function reviewQueueExportQuery(
  f: ReviewFilters,
  { sort = "created", dir = "asc", segment }: { sort?: ReviewSort; dir?: SortDirection; segment?: SavedSegment | null } = {},
): SqlQuery {
  const values: unknown[] = [];
  const param = (v: unknown) => `$${values.push(v)}`;
  const conditions = [`r.status = 'pending_review'`];
  if (f.treatment) conditions.push(`r."treatmentKey" = ${param(f.treatment)}`);
  if (f.policy) conditions.push(`r.policy = ${param(f.policy)}::"PolicyKind"`);
  if (f.minConfidence !== undefined) conditions.push(`r.confidence >= ${param(f.minConfidence / 100)}`);
  if (f.resource) conditions.push(`t."resourceKey" = ${param(f.resource)}`);
  if (f.tier) conditions.push(`c."valueTier" = ${param(f.tier)}::"ValueTier"`);
  if (f.q) {
    const pattern = param(likeContains(f.q));
    conditions.push(`(r."customerId" ILIKE ${pattern} OR c.name ILIKE ${pattern})`);
  }
  if (f.saved) conditions.push(segment && segment.id === f.saved ? segmentWhere(segment, { customerId: `r."customerId"`, params: values }) : "false");
  const text = `
    SELECT r.id::text AS id, ${ISO_UTC('r."createdAt"')} AS "createdAt", r."customerId", c.name AS "customerName",
           c."valueTier"::text AS "valueTier", i."churnRisk", r."treatmentKey", t.name AS "treatmentName",
           r.policy::text AS policy, r.confidence, r."expectedValue"::text AS "expectedValue", r.rationale
      FROM "Recommendation" r
      JOIN "Customer" c ON c.id = r."customerId"
      LEFT JOIN "CustomerInsight" i ON i."customerId" = r."customerId"
      LEFT JOIN "Treatment" t ON t.key = r."treatmentKey"
     WHERE ${conditions.join(" AND ")}
     ORDER BY ${ORDER_COLUMN[sort]} ${dir === "desc" ? "DESC" : "ASC"}, r."createdAt", r.id`;
  return { text, values };
}
