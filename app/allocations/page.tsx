import type { Metadata } from "next";
import { connection } from "next/server";
import { AllocationsTable } from "@/components/allocations/allocations-table";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { db } from "@/lib/db";
import { listAllocations } from "@/lib/queries/allocations";
import { parsePageParams, type RawSearchParams } from "@/lib/validations/list-params";

export const metadata: Metadata = { title: "Allocations" };

export default async function AllocationsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await connection();
  const { page } = parsePageParams(await searchParams);
  const result = await listAllocations(db, { page });

  return (
    <>
      <PageHeader
        title="Allocation history"
        description="Every attempt to take or give back capacity, newest first: who got what, who was denied, and why."
      />
      <AllocationsTable rows={result.rows} />
      {result.total > 0 ? <Pagination {...result} noun="allocations" basePath="/allocations" /> : null}
    </>
  );
}
