import type { Metadata } from "next";
import { connection } from "next/server";
import { ConstraintChangesTable } from "@/components/constraints/constraint-changes-table";
import { ResourcesTable } from "@/components/constraints/resources-table";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import { db } from "@/lib/db";
import { CONSTRAINT_CHANGE_LIMIT, listConstraintChanges, listResources } from "@/lib/queries/constraints";

export const metadata: Metadata = { title: "Constraints" };

export default async function ConstraintsPage() {
  await connection();
  const [resources, changes] = await Promise.all([listResources(db), listConstraintChanges(db)]);

  return (
    <>
      <PageHeader
        title="Constraints"
        description="Capacity limits per period. Used counts units held for pending reviews and units confirmed by approval."
      />
      <Section title="Resources">
        <ResourcesTable rows={resources} />
      </Section>
      <Section title="Change log" description={`The latest ${CONSTRAINT_CHANGE_LIMIT} limit changes and period resets.`}>
        <ConstraintChangesTable rows={changes} />
      </Section>
    </>
  );
}
