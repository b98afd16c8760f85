import "server-only";
// The three CSV downloads: each reads the filter its screen reads from the URL, so a file holds
// exactly what the screen shows across all its pages, and leaves an "export" entry in the audit trail.
import type pg from "pg";
import { writeAudit } from "../audit/write";
import { type Actor, SIGN_IN_REQUIRED } from "../auth/roles";
import { type AllocationExportRow, type SqlQuery, allocationExportQuery } from "../queries/allocations";
import { type AuditExportRow, auditExportQuery } from "../queries/audit";
import { parseAllocationListParams } from "../validations/allocations";
import { auditQuery, parseAuditListParams } from "../validations/audit";
import type { RawSearchParams } from "../validations/list-params";
import { parseReviewListParams, toReviewFilter } from "../validations/review";
import { type CsvColumn, csvFilename, csvHeaders, streamCsv } from "./csv";
import { type ReviewQueueExportRow, reviewQueueExportQuery } from "./review-queue";

const ALLOCATION_COLUMNS: CsvColumn<AllocationExportRow>[] = [
  { header: "id", value: (r) => r.id },
  { header: "created_at_utc", value: (r) => r.createdAt },
  { header: "resource_key", value: (r) => r.resourceKey },
  { header: "resource", value: (r) => r.resourceName },
  { header: "treatment_key", value: (r) => r.treatmentKey },
  { header: "treatment", value: (r) => r.treatmentName },
  { header: "customer_id", value: (r) => r.customerId },
  { header: "customer", value: (r) => r.customerName },
  { header: "outcome", value: (r) => r.outcome },
  { header: "units", value: (r) => r.units },
  { header: "priority", value: (r) => r.priority },
  { header: "high_value", value: (r) => r.isHighValue },
  { header: "used_reserve", value: (r) => r.usedReserve },
  { header: "reason", value: (r) => r.reason },
];

const AUDIT_COLUMNS: CsvColumn<AuditExportRow>[] = [
  { header: "id", value: (r) => r.id },
  { header: "created_at_utc", value: (r) => r.createdAt },
  { header: "actor", value: (r) => r.actorLabel },
  { header: "action", value: (r) => r.action },
  { header: "entity_type", value: (r) => r.entityType },
  { header: "entity_id", value: (r) => r.entityId },
  { header: "reason", value: (r) => r.reason },
  { header: "before", value: (r) => r.before },
  { header: "after", value: (r) => r.after },
];

const REVIEW_QUEUE_COLUMNS: CsvColumn<ReviewQueueExportRow>[] = [
  { header: "recommendation_id", value: (r) => r.id },
  { header: "created_at_utc", value: (r) => r.createdAt },
  { header: "customer_id", value: (r) => r.customerId },
  { header: "customer", value: (r) => r.customerName },
  { header: "value_tier", value: (r) => r.valueTier },
  { header: "churn_risk", value: (r) => r.churnRisk },
  { header: "treatment_key", value: (r) => r.treatmentKey },
  { header: "treatment", value: (r) => r.treatmentName },
  { header: "policy", value: (r) => r.policy },
  { header: "confidence", value: (r) => r.confidence },
  { header: "expected_value_gbp", value: (r) => r.expectedValue },
  { header: "rationale", value: (r) => r.rationale },
];

type Export<Row> = { name: string; filter: Record<string, unknown>; query: SqlQuery; columns: CsvColumn<Row>[] };

/** What each export reads from the URL; every kind its own columns, so a new kind without columns fails tsc. */
const EXPORTS = {
  allocations: (raw: RawSearchParams): Export<AllocationExportRow> => {
    const p = parseAllocationListParams(raw);
    const filter = { resource: p.resource, treatment: p.treatment, outcome: p.outcome, from: p.from, to: p.to };
    return {
      name: "allocation-history",
      filter,
      query: allocationExportQuery({ resourceKey: p.resource, treatmentKey: p.treatment, outcome: p.outcome, from: p.from, to: p.to }),
      columns: ALLOCATION_COLUMNS,
    };
  },
  audit: (raw: RawSearchParams): Export<AuditExportRow> => {
    const p = parseAuditListParams(raw);
    return { name: "audit-trail", filter: auditQuery(p), query: auditExportQuery(p), columns: AUDIT_COLUMNS };
  },
  "review-queue": async (raw: RawSearchParams, pool: pg.Pool): Promise<Export<ReviewQueueExportRow>> => {
    const params = parseReviewListParams(raw);
    const filters = toReviewFilter(params);
    const query = await reviewQueueExportQuery(pool, { filters, sort: params.sort, dir: params.dir });
    return { name: "review-queue", filter: { ...filters, sort: params.sort, dir: params.dir }, query, columns: REVIEW_QUEUE_COLUMNS };
  },
} as const;

export type ExportKind = keyof typeof EXPORTS;

/**
 * The CSV download of `kind` as filtered by `searchParams`: any signed-in user, as every role reads
 * these screens. The audit entry is written once the last row has left, with the rows it held.
 */
export async function exportCsv(opts: { pool: pg.Pool; actor: Actor | null; kind: ExportKind; searchParams: URLSearchParams; now?: Date }): Promise<Response> {
  if (!opts.actor) return Response.json({ message: SIGN_IN_REQUIRED }, { status: 401, headers: { "Cache-Control": "no-store" } });
  const actor = opts.actor;
  const spec: Export<never> = (await EXPORTS[opts.kind](Object.fromEntries(opts.searchParams), opts.pool)) as Export<never>;
  const filename = csvFilename(spec.name, opts.now);
  const filter = Object.fromEntries(Object.entries(spec.filter).filter(([, v]) => v !== undefined));
  const body = streamCsv({
    pool: opts.pool,
    ...spec.query,
    columns: spec.columns,
    onComplete: (rows) =>
      writeAudit(opts.pool, { actor, action: "data.export", entityType: "Export", entityId: opts.kind, before: null, after: { file: filename, filter, rows } }),
  });
  return new Response(body, { headers: csvHeaders(filename) });
}
