import type { Metadata } from "next";
import { connection } from "next/server";
import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditTable, entityNameKey } from "@/components/audit/audit-table";
import { formatRunName, plural } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { secondaryButtonClass } from "@/components/ui/form-controls";
import { db } from "@/lib/db";
import { exportHref } from "@/lib/export/href";
import { listAuditActors, listAuditEntries } from "@/lib/queries/audit";
import { listReviewFilterOptions } from "@/lib/queries/recommendations";
import { listRunStarts } from "@/lib/queries/runs";
import { requireSignedIn } from "@/lib/session/actor";
import { auditQuery, parseAuditListParams } from "@/lib/validations/audit";
import type { RawSearchParams } from "@/lib/validations/list-params";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await connection();
  await requireSignedIn();
  const params = parseAuditListParams(await searchParams);
  const [result, actors, catalog] = await Promise.all([listAuditEntries(db, params), listAuditActors(db), listReviewFilterOptions(db)]);
  const runStarts = await listRunStarts(db, result.rows.filter((r) => r.entityType === "Run").map((r) => r.entityId));
  // Entries name what they changed by key or id; the screen shows the name people know it by.
  const entityNames = Object.fromEntries([
    ...catalog.treatments.map((t) => [entityNameKey("Treatment", t.key), t.name]),
    ...catalog.resources.map((r) => [entityNameKey("ResourceConstraint", r.key), r.name]),
    ...actors.map((a) => [entityNameKey("User", a.id), a.label]),
    ...[...runStarts].map(([id, createdAt]) => [entityNameKey("Run", id), formatRunName(createdAt)]),
  ]);

  return (
    <>
      <PageHeader
        title="Audit trail"
        description={
          <span data-testid="audit-total">
            {plural(result.total, "change")}, newest first: who did what, when, and what it was before and after. Each entry
            was written in the same transaction as its change.
          </span>
        }
      />
      <AuditFilters params={params} actors={actors} />
      <div className="mb-3 flex justify-end">
        {/* A plain link: the file streams straight to the browser's downloads, every page of the filtered trail. */}
        <a href={exportHref("/api/export/audit", auditQuery(params))} download className={secondaryButtonClass} data-testid="export-csv">
          Export CSV ({result.total.toLocaleString("en-GB")})
        </a>
      </div>
      {params.problems.length > 0 ? (
        <ul role="alert" className="mb-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {params.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <AuditTable rows={result.rows} entityNames={entityNames} />
      {result.total > 0 ? <Pagination {...result} noun="entry" nounPlural="entries" basePath="/audit" query={auditQuery(params)} /> : null}
    </>
  );
}
