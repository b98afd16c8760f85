import type { Metadata } from "next";
import { connection } from "next/server";
import { LiveRuns } from "@/components/runs/live-runs";
import { StartRunForm } from "@/components/runs/start-run-form";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { countCustomers, listCustomerSegments } from "@/lib/queries/customers";
import { listRunDetails, toRunDetailJson } from "@/lib/queries/runs";
import { requireSignedIn } from "@/lib/session/actor";
import { parsePageParams, type RawSearchParams } from "@/lib/validations/list-params";

export const metadata: Metadata = { title: "Runs" };

export default async function RunsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await connection();
  const actor = await requireSignedIn();
  const canRun = can(actor.role, "runs.start");
  const { page } = parsePageParams(await searchParams);
  const [result, segments, customerCount] = await Promise.all([listRunDetails(db, { page }), listCustomerSegments(db), countCustomers(db)]);
  const hasModel = Boolean(getEnv().OPENAI_API_KEY);

  return (
    <>
      <PageHeader
        title="Runs"
        description="Run the pipeline over a set of customers, watch its progress, cancel it, and read what it decided."
      />
      {canRun ? (
        <StartRunForm segments={segments} hasModel={hasModel} customerCount={customerCount} />
      ) : (
        <p className="mb-4 rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm text-zinc-600" data-testid="runs-read-only">
          You can follow the runs. Starting and cancelling them needs the marketer, manager or administrator role.
        </p>
      )}
      <LiveRuns initial={{ ...result, rows: result.rows.map(toRunDetailJson) }} page={result.page} canCancel={can(actor.role, "runs.cancel")} canStart={canRun} />
    </>
  );
}
