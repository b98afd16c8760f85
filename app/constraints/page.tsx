import type { Metadata } from "next";
import { connection } from "next/server";
import { CapacityGauges } from "@/components/constraints/capacity-gauges";
import { ConstraintChangesTable } from "@/components/constraints/constraint-changes-table";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Section } from "@/components/ui/section";
import { db } from "@/lib/db";
import { listConstraintChanges, listResourceGauges } from "@/lib/queries/constraints";
import { parsePageParams, type RawSearchParams } from "@/lib/validations/list-params";
import { can } from "@/lib/auth/roles";
import { requireSignedIn } from "@/lib/session/actor";

export const metadata: Metadata = { title: "Constraints" };

export default async function ConstraintsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await connection();
  const actor = await requireSignedIn();
  const { page } = parsePageParams(await searchParams);
  const [resources, changes] = await Promise.all([listResourceGauges(db), listConstraintChanges(db, { page })]);
  const canEdit = can(actor.role, "constraints.manage");

  return (
    <>
      <PageHeader
        title="Constraints"
        description="Capacity per resource and period, live. Committed units are confirmed by approval or held for recommendations awaiting review; the hatched end of a bar is kept for high-value customers."
      />
      <Section title="Capacity" testId="capacity-section">
        <CapacityGauges initial={{ resources, asOf: new Date().toISOString() }} canEdit={canEdit} />
      </Section>
      <Section title="Change log" description="Limit changes and period resets, newest first." testId="change-log">
        <ConstraintChangesTable rows={changes.rows} resourceNames={Object.fromEntries(resources.map((r) => [r.key, r.name]))} />
        {changes.total > 0 ? <Pagination {...changes} noun="change" basePath="/constraints" /> : null}
      </Section>
    </>
  );
}
