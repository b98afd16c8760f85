import type { Metadata } from "next";
import { connection } from "next/server";
import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { plural } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { db } from "@/lib/db";
import { listAuditActors, listAuditEntries } from "@/lib/queries/audit";
import { requireSignedIn } from "@/lib/session/actor";
import { auditQuery, parseAuditListParams } from "@/lib/validations/audit";
import type { RawSearchParams } from "@/lib/validations/list-params";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await connection();
  await requireSignedIn();
  const params = parseAuditListParams(await searchParams);
  const [result, actors] = await Promise.all([listAuditEntries(db, params), listAuditActors(db)]);

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
      {params.problems.length > 0 ? (
        <ul role="alert" className="mb-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {params.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <AuditTable rows={result.rows} />
      {result.total > 0 ? <Pagination {...result} noun="entry" nounPlural="entries" basePath="/audit" query={auditQuery(params)} /> : null}
    </>
  );
}
