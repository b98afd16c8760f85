import type { Metadata } from "next";
import { connection } from "next/server";
import { RunsTable } from "@/components/runs/runs-table";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { db } from "@/lib/db";
import { listRuns } from "@/lib/queries/runs";
import { parsePageParams, type RawSearchParams } from "@/lib/validations/list-params";

export const metadata: Metadata = { title: "Runs" };

export default async function RunsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await connection();
  const { page } = parsePageParams(await searchParams);
  const result = await listRuns(db, { page });

  return (
    <>
      <PageHeader title="Runs" description="Each execution of the pipeline over a set of customers, newest first." />
      <RunsTable rows={result.rows} />
      {result.total > 0 ? <Pagination {...result} noun="runs" basePath="/runs" /> : null}
    </>
  );
}
