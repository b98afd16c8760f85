import type { Metadata } from "next";
import { connection } from "next/server";
import { TreatmentsTable } from "@/components/treatments/treatments-table";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { listTreatments } from "@/lib/queries/treatments";
import { requireSignedIn } from "@/lib/session/actor";

export const metadata: Metadata = { title: "Treatments" };

export default async function TreatmentsPage() {
  await connection();
  const actor = await requireSignedIn();
  const treatments = await listTreatments(db);

  return (
    <>
      <PageHeader
        title="Treatments"
        description="The catalog the agents choose from, most important first. No action is always a legitimate outcome."
      />
      <TreatmentsTable rows={treatments} canEdit={can(actor.role, "catalog.manage")} />
    </>
  );
}
