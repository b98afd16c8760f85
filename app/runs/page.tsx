import type { Metadata } from "next";
import { connection } from "next/server";
import { LiveRuns } from "@/components/runs/live-runs";
import { StartRunForm } from "@/components/runs/start-run-form";
import { PageHeader } from "@/components/ui/page-header";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { countCustomers, listCustomerSegments } from "@/lib/queries/customers";
import { listRunDetails, toRunDetailJson } from "@/lib/queries/runs";
import { parsePageParams, type RawSearchParams } from "@/lib/validations/list-params";

export const metadata: Metadata = { title: "Runs" };

export default async function RunsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await connection();
  const { page } = parsePageParams(await searchParams);
  const [result, segments, customerCount] = await Promise.all([listRunDetails(db, { page }), listCustomerSegments(db), countCustomers(db)]);
  const hasModel = Boolean(getEnv().OPENAI_API_KEY);

  return (
    <>
      <PageHeader
        title="Runs"
        description="Run the pipeline over a set of customers, watch its progress, cancel it, and read what it decided."
      />
      <StartRunForm segments={segments} hasModel={hasModel} customerCount={customerCount} />
      <LiveRuns initial={{ ...result, rows: result.rows.map(toRunDetailJson) }} page={result.page} />
    </>
  );
}
