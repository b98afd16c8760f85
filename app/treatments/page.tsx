import type { Metadata } from "next";
import { connection } from "next/server";
import { TreatmentsTable } from "@/components/treatments/treatments-table";
import { PageHeader } from "@/components/ui/page-header";
import { db } from "@/lib/db";
import { listTreatments } from "@/lib/queries/treatments";

export const metadata: Metadata = { title: "Treatments" };

export default async function TreatmentsPage() {
  await connection();
  const treatments = await listTreatments(db);

  return (
    <>
      <PageHeader
        title="Treatments"
        description="The catalog the agents choose from, most important first. No action is always a legitimate outcome."
      />
      <TreatmentsTable rows={treatments} />
    </>
  );
}
